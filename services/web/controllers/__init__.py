"""One controller per area of the interface."""

from .home import HomeController
from .login import LoginController
from .monitoring import MonitoringController

CONTROLLERS = [LoginController, HomeController]
CONTROLLERS += [MonitoringController]

__all__ = ["CONTROLLERS"]
