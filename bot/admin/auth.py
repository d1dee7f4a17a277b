"""Logging in and out: password check, lock after repeated failures, session cookie."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import lockout
from bot.admin.context import Officer
from bot.admin.gate import Busy
from bot.admin.passwords import hash_password, verify_password
from bot.admin.sessions import COOKIE, COOKIE_PATH, close_session, current, open_session
from bot.web.bodies import read_form
from bot.web.cleaning import clean_text
from conversations.i18n import Texts
from conversations.officers.roles import password_hash_of, web_officer

if TYPE_CHECKING:
    from bot.admin.component import Admin

LOGIN_COOKIE = "ocop_admin_login"
"""A random nonce for the login form's CSRF token (there is no session yet)."""
MAX_NAME = 128
MAX_LOGIN_FORM = 8 * 1024
"""Bytes: a name, a password, a token and a path."""
_DUMMY: list[str] = []
BUSY_RETRY = 5
"""Seconds a refused login is asked to wait while the password checks are busy."""


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a dashboard path, never another site."""
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return "/admin"


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_form(admin: Admin, request: Request) -> Response:
    """The login page (or the overview when already logged in)."""
    token = request.cookies.get(COOKIE, "")
    if token:
        async with admin.runtime.sessions() as db, db.begin():
            found = await current(db, token, admin.policy, admin.clock())
        if found is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _form(admin, request, status=200, error="")


def _form(
    admin: Admin,
    request: Request,
    *,
    status: int,
    error: str,
    name: str = "",
    next_url: str | None = None,
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = admin.pages.render(
        "login.html",
        admin.runtime.services.default_locale,
        status=status,
        officer=None,
        error=error,
        name=name,
        next=safe_next(next_url or request.query_params.get("next")),
        csrf=admin.login_token(nonce),
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        path="/admin/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    if status == 429:
        response.headers["retry-after"] = str(int(admin.limits.lock.total_seconds()))
    return response


async def _verify(stored: str | None, password: str) -> bool:
    """Check in a thread (argon2 takes most of a second); an unknown name costs the same."""
    if stored is None:
        if not _DUMMY:
            _DUMMY.append(await asyncio.to_thread(hash_password, secrets.token_urlsafe(16)))
        await asyncio.to_thread(verify_password, _DUMMY[0], password)
        return False
    return await asyncio.to_thread(verify_password, stored, password)


async def login(admin: Admin, request: Request) -> Response:
    """Check the form's token, count the attempt, then the password (a few at a time)."""
    t = admin.runtime.services.catalogs.texts(admin.runtime.services.default_locale)
    form = await read_form(request, MAX_LOGIN_FORM, max_fields=10)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    sent = form.get("csrf")
    if (
        not nonce
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent.encode(), admin.login_token(nonce).encode())
    ):
        return _form(
            admin,
            request,
            status=403,
            error=t("This form has expired. Please go back, reload the page and try again."),
        )
    name_field, password_field = form.get("name"), form.get("password")
    name = clean_text(name_field).strip()[:MAX_NAME] if isinstance(name_field, str) else ""
    password = password_field if isinstance(password_field, str) else ""
    address = _address(request)
    next_url = safe_next(str(form.get("next") or ""))
    now = admin.clock()
    locked = t(
        "Too many failed attempts. Login is locked for {minutes} minutes; please try again later.",
        minutes=int(admin.limits.lock.total_seconds() // 60),
    )
    if admin.gate.full:
        return _busy(admin, request, t, name, next_url)
    if admin.locks.locked(lockout.keys(name, address), now):  # known here: no database work
        return _form(admin, request, status=429, error=locked, name=name, next_url=next_url)
    async with admin.runtime.sessions() as db, db.begin():
        lock = await lockout.reserve(db, name, address, admin.limits, now)
        user = await web_officer(db, name) if name and lock is None else None
        stored = await password_hash_of(db, user) if user is not None else None
    if lock is not None:
        admin.locks.remember(lockout.keys(name, address), lock)
        return _form(admin, request, status=429, error=locked, name=name, next_url=next_url)
    try:
        async with admin.gate.slot():  # no database connection is held while argon2 runs
            ok = await _verify(stored, password) and user is not None
    except Busy:
        async with admin.runtime.sessions() as db, db.begin():
            await lockout.refund(db, name, address)
        return _busy(admin, request, t, name, next_url)
    if ok and user is not None:
        async with admin.runtime.sessions() as db, db.begin():
            await lockout.release(db, name, address)
            token, _ = await open_session(db, user, admin.policy, admin.clock())
        response = RedirectResponse(next_url, status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(admin.policy.lifetime.total_seconds()),
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/admin/login")
        return response
    async with admin.runtime.sessions() as db, db.begin():
        lock = await lockout.record_failure(db, name, address, admin.limits, now)
    if lock is not None:
        return _form(admin, request, status=429, error=locked, name=name, next_url=next_url)
    wrong = t("Wrong name or password.")
    return _form(admin, request, status=401, error=wrong, name=name, next_url=next_url)


def _busy(admin: Admin, request: Request, t: Texts, name: str, next_url: str) -> Response:
    """429 while too many password checks are under way (nothing was counted)."""
    busy = t("Many logins are being checked right now. Please try again in a moment.")
    response = _form(admin, request, status=429, error=busy, name=name, next_url=next_url)
    response.headers["retry-after"] = str(BUSY_RETRY)
    return response


async def logout(admin: Admin, request: Request, officer: Officer) -> Response:
    """End the session: the row is deleted and the cookie cleared."""
    async with admin.runtime.sessions() as db, db.begin():
        await close_session(db, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
