"""The page's static files, read once at start: versioned URLs, gzip done once, ETags, 304s."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from bot.web.environments import STATIC_DIR

FILES = ("chat.css", "chat.js", "embed.js")
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
FOREVER = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class Asset:
    """One file: its bytes, gzipped bytes, content type and version (a hash of the bytes)."""

    body: bytes
    gzipped: bytes
    content_type: str
    version: str


class Assets:
    """The static files of the web chat, served from memory."""

    def __init__(self, directory: Path = STATIC_DIR, names: tuple[str, ...] = FILES) -> None:
        self._files: dict[str, Asset] = {}
        for name in names:
            body = (directory / name).read_bytes()
            self._files[name] = Asset(
                body=body,
                gzipped=gzip.compress(body, compresslevel=9, mtime=0),
                content_type=TYPES[Path(name).suffix],
                version=hashlib.sha256(body).hexdigest()[:12],
            )

    def url(self, prefix: str, name: str) -> str:
        """`prefix/name?v=<version>`: cached for a year, replaced when the file changes."""
        return f"{prefix}/{name}?v={self._files[name].version}"

    def sizes(self) -> dict[str, tuple[int, int]]:
        """name → (bytes, gzipped bytes), for reporting the page weight."""
        return {name: (len(a.body), len(a.gzipped)) for name, a in self._files.items()}

    def response(self, request: Request, name: str, cache: str | None = None) -> Response:
        """The file for `request`: 304 when the browser has it, gzip when it accepts it."""
        asset = self._files.get(name)
        if asset is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        if cache is None:
            cache = FOREVER if request.query_params.get("v") == asset.version else "no-cache"
        etag = f'"{asset.version}"'
        headers = {
            "etag": etag,
            "cache-control": cache,
            "vary": "Accept-Encoding",
            "x-content-type-options": "nosniff",
            "cross-origin-resource-policy": "cross-origin",
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        body = asset.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = asset.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, headers=headers, media_type=asset.content_type)
