"""One controller per area of the interface."""

from .home import HomeController
from .login import LoginController
from .monitoring import MonitoringController
from .region import RegionController

CONTROLLERS = [LoginController, HomeController]
CONTROLLERS += [MonitoringController, RegionController]

__all__ = ["CONTROLLERS"]
