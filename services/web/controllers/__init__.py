"""One controller per area of the interface."""

from .auditor import AuditController
from .home import HomeController
from .login import LoginController
from .monitoring import MonitoringController
from .region import RegionController

CONTROLLERS = [LoginController, HomeController]
CONTROLLERS += [MonitoringController, RegionController, AuditController]

__all__ = ["CONTROLLERS"]
