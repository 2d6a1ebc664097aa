"""Rendering pages, and what a person sees when something goes wrong: a Russian page with a way
back, never a traceback, SQL or a file path (the details go to the log)."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from .backend import Refused, SessionExpired
from .session import LoginRequired, WebUser, sign_out, wanted_path


def page(name: str, user: WebUser | None, status_code: int = 200, **context: Any) -> Template:
    return Template(name, context={"user": user, **context}, status_code=status_code)


def form_page(name: str, user: WebUser | None, form: Any, **context: Any) -> Template:
    """A page with a form: answered 400 while the form holds errors (a refusal is no success)."""
    return page(name, user, 400 if form.errors else 200, form=form, **context)


ERROR_TITLES = {
    400: "Запрос не выполнен",
    403: "Нет доступа",
    404: "Страница не найдена",
    405: "Так эту страницу не открыть",
    409: "Действие не выполнено",
    422: "Действие не выполнено",
    500: "Что-то пошло не так",
}
ERROR_TEXTS = {
    403: "У вашей роли нет доступа к этой странице или объекту.",
    404: "Такой страницы или объекта нет — или он принадлежит другой организации.",
    405: "Эта страница принимает только отправку формы.",
    500: (
        "Произошла внутренняя ошибка. Мы уже записали её в журнал; попробуйте ещё раз "
        "чуть позже или вернитесь на главную страницу."
    ),
}


def error_page(
    request: Request[Any, Any, Any], status: int, message: str | None = None
) -> Template:
    user = getattr(request.state, "web_user", None)  # set once the page knew its user
    return page(
        "error.html",
        user,
        status_code=status,
        title=ERROR_TITLES.get(status, "Запрос не выполнен"),
        message=message or ERROR_TEXTS.get(status, "Запрос не выполнен."),
        status=status,
    )


def _login_redirect(next_path: str) -> Response[Any]:
    return Redirect(path=LoginRequired(next_path).login_url, status_code=303)


def login_required(request: Request[Any, Any, Any], error: LoginRequired) -> Response[Any]:
    return _login_redirect(error.next_path)


def session_expired(request: Request[Any, Any, Any], _: SessionExpired) -> Response[Any]:
    """A service no longer takes the token: forget it and come back after signing in."""
    sign_out(request)
    response = _login_redirect(_back_to(request))
    response.delete_cookie("nastavnik_session")
    return response


def _back_to(request: Request[Any, Any, Any]) -> str:
    """For a form sent after the session expired, the page that showed the form."""
    if request.method == "GET":
        return wanted_path(request)
    referer = request.headers.get("referer", "")
    host = request.headers.get("host", "")
    marker = f"//{host}"
    if host and marker in referer:
        return referer.split(marker, 1)[1] or "/"
    return "/"


def refused(request: Request[Any, Any, Any], error: Refused) -> Response[Any]:
    """A refusal that no form took up: another tenant's object, or an action not allowed. A 403
    says what was refused and why (the service's words); a 404 never tells whose object it is."""
    status = error.status if error.status in ERROR_TITLES else 400
    message = error.message if status != 404 else None
    return error_page(request, status, message)


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if error.status_code == 403 and "CSRF" in str(error.detail):
        return error_page(
            request,
            403,
            "Форма устарела или отправлена не с этой страницы. Обновите страницу и "
            "отправьте форму ещё раз.",
        )
    if error.status_code >= 500:
        return crash(request, error)
    return error_page(request, error.status_code)


def crash(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    structlog.get_logger().error(
        "unhandled_error",
        error_type=type(error).__name__,
        path=request.url.path,
        exc_info=error,
    )
    return error_page(request, 500)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    LoginRequired: login_required,
    SessionExpired: session_expired,
    Refused: refused,
    HTTPException: http_error,
    Exception: crash,
}
