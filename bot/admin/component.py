"""The officers' dashboard at /admin: a `Component` of the one web app."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import quote

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.admin import (
    auth,
    broadcasts_page,
    exports,
    files,
    inbox,
    overview,
    producers,
)
from bot.admin.context import Officer
from bot.admin.lockout import LoginLimits
from bot.admin.pages import Pages
from bot.admin.sessions import COOKIE, SessionPolicy, current
from bot.channels.webchat.uploads import UploadStore
from bot.runtime import Runtime
from bot.web.secret_key import load_secret_key
from conversations.clock import utcnow
from conversations.i18n import DEFAULT_LOCALE
from conversations.models import User
from conversations.officers import is_officer
from knowledge.content import default_root
from knowledge.faq_drafts import drafts_folder

Handler = Callable[["Admin", Request, Officer], Awaitable[Response]]


class Admin:
    """Login, overview, question inbox, producers, broadcasts, exports and attached files."""

    name = "admin"

    def __init__(
        self,
        runtime: Runtime,
        *,
        var_dir: Path = Path("var"),
        drafts_dir: Path | None = None,
        peers: Sequence[object] = (),
        limits: LoginLimits | None = None,
        policy: SessionPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runtime = runtime
        self.var_dir = var_dir
        self.uploads = UploadStore(var_dir / "uploads")
        self.drafts_dir = drafts_dir or drafts_folder(default_root())
        self.peers = peers
        """The other components; a channel among them with `download()` serves its files."""
        self.limits = limits or LoginLimits()
        self.policy = policy or SessionPolicy()
        self.clock = clock
        self._pages: Pages | None = None
        self._secret = b""

    @property
    def pages(self) -> Pages:
        """The templates (ready once started)."""
        if self._pages is None:
            raise RuntimeError("the dashboard is not started")
        return self._pages

    def routes(self) -> list[BaseRoute]:
        """Every /admin route."""
        page = self.page
        return [
            Route("/admin", page(overview.show)),
            Route("/admin/", page(overview.show)),
            Route("/admin/static/admin.css", self.css),
            Route("/admin/login", partial(auth.login_form, self), methods=["GET"]),
            Route("/admin/login", partial(auth.login, self), methods=["POST"]),
            Route("/admin/logout", page(auth.logout), methods=["POST"]),
            Route("/admin/inbox", page(inbox.show)),
            Route("/admin/inbox/{id:int}/answer", page(inbox.answer), methods=["POST"]),
            Route("/admin/inbox/{id:int}/draft", page(inbox.draft), methods=["POST"]),
            Route("/admin/producers", page(producers.search)),
            Route("/admin/producers/{id:int}", page(producers.show)),
            Route("/admin/files/{id:int}", page(files.serve)),
            Route("/admin/broadcasts", page(broadcasts_page.show)),
            Route("/admin/broadcasts", page(broadcasts_page.confirm), methods=["POST"]),
            Route("/admin/broadcasts/preview", page(broadcasts_page.preview), methods=["POST"]),
            Route(
                "/admin/broadcasts/{id:int}/cancel", page(broadcasts_page.cancel), methods=["POST"]
            ),
            Route("/admin/exports/{kind}.{fmt}", page(exports.download)),
        ]

    async def start(self) -> None:
        """Load the cookie signing key and compile the templates."""
        self._secret, self._pages = await asyncio.to_thread(self._load)

    def _load(self) -> tuple[bytes, Pages]:
        secret = load_secret_key(self.runtime.settings, self.var_dir)
        services = self.runtime.services
        return secret, Pages(services.catalogs, services.timezone)

    async def stop(self) -> None:
        """Nothing runs in the background."""

    def login_token(self, nonce: str) -> str:
        """The login form's CSRF token for the pre-login cookie `nonce`."""
        return hmac.new(self._secret, b"admin-login:" + nonce.encode(), "sha256").hexdigest()

    def page(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """`handler` behind the login: session checked, officer re-checked, CSRF on POST."""

        async def endpoint(request: Request) -> Response:
            token = request.cookies.get(COOKIE, "")
            async with self.runtime.sessions() as db, db.begin():
                found = await current(db, token, self.policy, self.clock())
            if found is None:
                target = request.url.path if request.method == "GET" else "/admin"
                return RedirectResponse(f"/admin/login?next={quote(target)}", status_code=303)
            row, user = found
            texts = self.runtime.services.catalogs.texts(user.locale or DEFAULT_LOCALE)
            form = None
            if request.method == "POST":
                form = await request.form(max_files=0, max_fields=400)
                sent = form.get("csrf")
                if not isinstance(sent, str) or not hmac.compare_digest(
                    sent.encode(), row.csrf.encode()
                ):
                    return self.pages.render(
                        "error.html",
                        texts.locale,
                        status=403,
                        officer=None,
                        message=texts(
                            "This form has expired. Please go back, reload the page and try again."
                        ),
                    )
            return await handler(self, request, Officer(user, row, texts, form))

        return endpoint

    async def still_officer(self, db: AsyncSession, officer: Officer) -> User | None:
        """The officer's row, locked, when they still have the role (for state changes)."""
        user = await db.get(User, officer.user.id, with_for_update=True)
        return user if is_officer(user) else None

    def not_found(self, officer: Officer) -> Response:
        """The 404 page."""
        t = officer.texts
        return self.pages.render(
            "error.html",
            officer.locale,
            status=404,
            officer=officer,
            message=t("This page does not exist (or no longer exists)."),
        )

    def forbidden(self, officer: Officer) -> Response:
        """The page for an officer whose role was taken away during the request."""
        t = officer.texts
        return self.pages.render(
            "error.html",
            officer.locale,
            status=403,
            officer=None,
            message=t("You are no longer an officer. Please ask the administrator."),
        )

    async def css(self, request: Request) -> Response:
        """The stylesheet, cached for a year under its versioned URL."""
        versioned = request.query_params.get("v") == self.pages.css_version
        cache = "public, max-age=31536000, immutable" if versioned else "no-cache"
        return Response(
            self.pages.css,
            media_type="text/css; charset=utf-8",
            headers={"cache-control": cache, "x-content-type-options": "nosniff"},
        )
