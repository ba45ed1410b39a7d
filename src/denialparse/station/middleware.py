"""Who may see what, and the headers every answer carries.

Access: on 127.0.0.1 with no account yet the station is open (one desk, one machine); once an
account exists, or when it listens on another address, every page but the log-in page and the
static files needs a logged-in user.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# No inline script or style, nothing from another origin: a letter's text can't run as code
# even if it slipped past the template's escaping, and the station works with no internet.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PUBLIC_PREFIXES = ("/login/", "/static/")
OPEN_DESK = "desk (no account)"


def accounts_exist() -> bool:
    """Whether any active account has been made (``denialparse users add``)."""
    return get_user_model().objects.filter(is_active=True).exists()


def open_desk() -> bool:
    """Whether pages are served without a log-in: loopback only, and no account yet."""
    return bool(settings.STATION_OPEN_WITHOUT_ACCOUNT) and not accounts_exist()


def actor(request: HttpRequest) -> str:
    """Who is acting, for the audit log and the confirmation."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.get_username())
    return OPEN_DESK


def is_admin(request: HttpRequest) -> bool:
    """May read the audit log: an admin account, or the open desk (it has no accounts at all)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.is_superuser)
    return open_desk()


class StationAccessMiddleware:
    """Sends a visitor who is not logged in to the log-in page (unless the desk is open)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated or request.path.startswith(PUBLIC_PREFIXES) or open_desk():
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class SecurityHeadersMiddleware:
    """CSP on everything; pages and files with patient data are never cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
