"""One controller per area of the interface."""

from .home import HomeController
from .login import LoginController

CONTROLLERS = [LoginController, HomeController]

__all__ = ["CONTROLLERS"]
