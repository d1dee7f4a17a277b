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
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.admin import (
    auth,
    broadcasts_page,
    exports,
    files,
    inbox,
    knowledge,
    knowledge_entry,
    material_page,
    material_upload,
    overview,
    producers,
)
from bot.admin.context import Officer
from bot.admin.gate import Gate
from bot.admin.lockout import KnownLocks, LoginLimits
from bot.admin.material_jobs import MaterialJobs
from bot.admin.pages import Pages
from bot.admin.sessions import COOKIE, SessionPolicy, current
from bot.channels.webchat.uploads import UploadStore
from bot.runtime import Runtime
from bot.web.bodies import BodyTooLarge, read_form, read_upload
from bot.web.cleaning import ids_in_range
from bot.web.secret_key import load_secret_key
from conversations.clock import utcnow
from conversations.i18n import DEFAULT_LOCALE
from conversations.models import User
from conversations.officers.roles import can_edit_knowledge, is_officer

MAX_FORM = 256 * 1024
"""Bytes of one dashboard form: an announcement (3,000 characters) and its filters fit many
times over."""

Handler = Callable[["Admin", Request, Officer], Awaitable[Response]]


class Admin:
    """Login, overview, question inbox, producers, broadcasts, exports and attached files."""

    name = "admin"

    def __init__(
        self,
        runtime: Runtime,
        *,
        var_dir: Path = Path("var"),
        peers: Sequence[object] = (),
        limits: LoginLimits | None = None,
        policy: SessionPolicy | None = None,
        gate: Gate | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runtime = runtime
        self.var_dir = var_dir
        self.uploads = UploadStore(var_dir / "uploads")
        self.material_jobs = MaterialJobs(var_dir / "material-uploads")
        """Training material uploaded on the dashboard, read in the background."""
        self.peers = peers
        """The other components; a channel among them with `download()` serves its files."""
        self.limits = limits or LoginLimits()
        self.policy = policy or SessionPolicy()
        self.gate = gate or Gate()
        self.locks = KnownLocks()
        """Bounds the password checks running at once (argon2 is slow on purpose)."""
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
            Route(
                "/admin/inbox/{id:int}/draft",
                page(knowledge_entry.from_question, editors=True),
                methods=["POST"],
            ),
            *self.knowledge_routes(),
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

    def knowledge_routes(self) -> list[BaseRoute]:
        """The /admin/knowledge pages, open to officers and editors."""

        def page(handler: Handler, files: bool = False
                 ) -> Callable[[Request], Awaitable[Response]]:
            return self.page(handler, editors=True, files=files)

        base = "/admin/knowledge"
        post = ["POST"]
        return [
            Route(base, page(knowledge.index)),
            Route(base + "/faq/{key}", page(knowledge_entry.show)),
            Route(base + "/faq/{key}", page(knowledge_entry.post), methods=post),
            Route(base + "/faq/{key}/retire", page(knowledge_entry.retire), methods=post),
            Route(
                base + "/revisions/{id:int}/restore", page(knowledge_entry.restore), methods=post
            ),
            Route(base + "/calendar", page(knowledge.calendar)),
            Route(base + "/calendar/{key}", page(knowledge.confirm), methods=post),
            Route(base + "/rules", page(knowledge.rules)),
            Route(base + "/rules", page(knowledge.set_current), methods=post),
            Route(base + "/history", page(knowledge.history)),
            Route(base + "/material", page(material_page.index)),
            Route(base + "/material", page(material_upload.upload, files=True), methods=post),
            Route(base + "/material/jobs/{job}", page(material_upload.status)),
            Route(base + "/material/{id:int}", page(material_page.show)),
            Route(base + "/material/{id:int}/retire", page(material_page.retire), methods=post),
            Route(base + "/material/passages/{id:int}/faq", page(material_page.to_faq),
                  methods=post),
        ]

    async def start(self) -> None:
        """Load the cookie signing key and compile the templates; clear uploads left behind."""
        self._secret, self._pages = await asyncio.to_thread(self._load)
        await asyncio.to_thread(self.material_jobs.sweep)

    def _load(self) -> tuple[bytes, Pages]:
        secret = load_secret_key(self.runtime.settings, self.var_dir)
        services = self.runtime.services
        return secret, Pages(services.catalogs, services.timezone)

    async def stop(self) -> None:
        """Cancel the material uploads still being read (nothing of them is stored)."""
        await self.material_jobs.stop()

    def login_token(self, nonce: str) -> str:
        """The login form's CSRF token for the pre-login cookie `nonce`."""
        return hmac.new(self._secret, b"admin-login:" + nonce.encode(), "sha256").hexdigest()

    def page(
        self, handler: Handler, *, editors: bool = False, files: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        """`handler` behind the login: session checked, role re-checked (officers only unless
        `editors`), CSRF on POST; with `files`, the POST is a multipart form with one file."""

        async def endpoint(request: Request) -> Response:
            token = request.cookies.get(COOKIE, "")
            async with self.runtime.sessions() as db, db.begin():
                found = await current(db, token, self.policy, self.clock())
            if found is None:
                target = request.url.path if request.method == "GET" else "/admin"
                return RedirectResponse(f"/admin/login?next={quote(target)}", status_code=303)
            row, user = found
            texts = self.runtime.services.catalogs.texts(user.locale or DEFAULT_LOCALE)
            if not ids_in_range(request.path_params):
                return self.not_found(Officer(user, row, texts))
            if not editors and not is_officer(user):
                if request.url.path in ("/admin", "/admin/") and request.method == "GET":
                    return RedirectResponse("/admin/knowledge", status_code=303)
                return self.pages.render(
                    "error.html",
                    texts.locale,
                    status=403,
                    officer=Officer(user, row, texts),
                    message=texts("Only officers can open this page. Editors edit the knowledge."),
                )
            officer = Officer(user, row, texts)
            if request.method != "POST":
                return await handler(self, request, officer)
            posted = await self._posted(request, officer, files)
            if isinstance(posted, Response):
                return posted
            try:
                return await handler(self, request, Officer(user, row, texts, posted))
            finally:
                await posted.close()  # an uploaded file's spooled copy

        return endpoint

    async def _posted(self, request: Request, officer: Officer, files: bool
                      ) -> FormData | Response:
        """The posted form with its CSRF token checked, or the page refusing it."""
        if files:
            try:
                form = await read_upload(request, material_upload.body_limit(self), max_fields=10)
            except BodyTooLarge:
                return await material_upload.too_large(self, officer)
        else:
            form = await read_form(request, MAX_FORM, max_fields=400)
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(
            sent.encode(), officer.csrf.encode()
        ):
            await form.close()
            return self.pages.render(
                "error.html",
                officer.locale,
                status=403,
                officer=None,
                message=officer.texts(
                    "This form has expired. Please go back, reload the page and try again."
                ),
            )
        return form

    async def still_officer(self, db: AsyncSession, officer: Officer) -> User | None:
        """The officer's row, locked, when they still have the role (for state changes)."""
        user = await db.get(User, officer.user.id, with_for_update=True)
        return user if is_officer(user) else None

    async def still_editor(self, db: AsyncSession, officer: Officer) -> User | None:
        """The user's row, locked, when they may still edit the knowledge."""
        user = await db.get(User, officer.user.id, with_for_update=True)
        return user if can_edit_knowledge(user) else None

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
