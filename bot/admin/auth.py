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
from bot.admin.passwords import hash_password, verify_password
from bot.admin.sessions import COOKIE, COOKIE_PATH, close_session, current, open_session
from conversations.officers import password_hash_of, web_officer

if TYPE_CHECKING:
    from bot.admin.component import Admin

LOGIN_COOKIE = "ocop_admin_login"
"""A random nonce for the login form's CSRF token (there is no session yet)."""
MAX_NAME = 128
_DUMMY: list[str] = []


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
    """Check in a thread (argon2 takes tens of milliseconds); an unknown name costs the same."""
    if stored is None:
        if not _DUMMY:
            _DUMMY.append(await asyncio.to_thread(hash_password, secrets.token_urlsafe(16)))
        await asyncio.to_thread(verify_password, _DUMMY[0], password)
        return False
    return await asyncio.to_thread(verify_password, stored, password)


async def login(admin: Admin, request: Request) -> Response:
    """Check the form's token, the lock, then the name and password; open a session."""
    t = admin.runtime.services.catalogs.texts(admin.runtime.services.default_locale)
    form = await request.form(max_files=0, max_fields=10)
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
    name = name_field.strip()[:MAX_NAME] if isinstance(name_field, str) else ""
    password = password_field if isinstance(password_field, str) else ""
    address = _address(request)
    next_url = safe_next(str(form.get("next") or ""))
    now = admin.clock()
    locked = t(
        "Too many failed attempts. Login is locked for {minutes} minutes; please try again later.",
        minutes=int(admin.limits.lock.total_seconds() // 60),
    )
    async with admin.runtime.sessions() as db, db.begin():
        if await lockout.locked_until(db, lockout.keys(name, address), now):
            return _form(admin, request, status=429, error=locked, name=name, next_url=next_url)
        user = await web_officer(db, name) if name else None
        stored = await password_hash_of(db, user) if user is not None else None
    if user is not None and await _verify(stored, password):
        async with admin.runtime.sessions() as db, db.begin():
            await lockout.clear(db, name)
            token, _ = await open_session(db, user, admin.policy, now)
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
    if user is None:
        await _verify(None, password)
    async with admin.runtime.sessions() as db, db.begin():
        lock = await lockout.record_failure(db, name, address, admin.limits, now)
    if lock is not None:
        return _form(admin, request, status=429, error=locked, name=name, next_url=next_url)
    wrong = t("Wrong name or password.")
    return _form(admin, request, status=401, error=wrong, name=name, next_url=next_url)


async def logout(admin: Admin, request: Request, officer: Officer) -> Response:
    """End the session: the row is deleted and the cookie cleared."""
    async with admin.runtime.sessions() as db, db.begin():
        await close_session(db, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
