"""One controller per area of the interface."""

from .home import HomeController
from .imports import ImportController
from .login import LoginController
from .people import PeopleController

CONTROLLERS = [LoginController, HomeController, PeopleController, ImportController]

__all__ = ["CONTROLLERS"]
