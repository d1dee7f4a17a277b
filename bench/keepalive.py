"""A minimal HTTP/1.1 keep-alive client for the benchmarks: cheap enough not to be the bottleneck.

httpx spends about a millisecond of CPU per request; on a 2-core machine shared by the client and
the server that is a large part of what is measured. This client writes the request bytes by
hand, reads `Content-Length` or chunked answers, and keeps the visitor's cookies.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass(slots=True)
class Answer:
    """A status code, the headers (names lower-cased; repeated ones joined by newlines), a body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(slots=True)
class Client:
    """One keep-alive connection to `url`, with its own cookies; reconnects when closed."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", **extra: str) -> Answer:
        """Send one request and read its whole answer."""
        if self._writer is None or self._writer.is_closing():
            parts = urlsplit(self.url)
            self._reader, self._writer = await asyncio.open_connection(parts.hostname, parts.port)
        assert self._reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"host: {urlsplit(self.url).netloc}"]
        lines += [f"{k}: {v}" for k, v in {**self.headers, **extra}.items()]
        if self.cookies:
            lines.append("cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body or method == "POST":
            lines.append(f"content-length: {len(body)}")
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        answer = await _read(self._reader)
        for line in answer.headers.get("set-cookie", "").split("\n"):
            name, _, rest = line.partition("=")
            if rest:
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if answer.headers.get("connection") == "close":
            await self.close()
        return answer

    async def post_json(self, path: str, data: object) -> Answer:
        """POST `data` as JSON."""
        body = json.dumps(data).encode()
        return await self.request("POST", path, body, **{"content-type": "application/json"})

    async def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def _read(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        if not line:
            continue
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        headers[name] = f"{headers[name]}\n{value}" if name in headers else value
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        parts = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readline()
        await reader.readline()
        body = b"".join(parts)
    else:
        body = b""
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return Answer(int(status_line.split()[1]), headers, body)


async def wait_healthy(url: str, within: float = 180.0) -> None:
    """Wait until the server at `url` answers `/healthz` with 200 (it may not listen yet)."""
    async with asyncio.timeout(within):
        while True:
            with contextlib.suppress(OSError):
                probe = Client(url)
                answer = await probe.request("GET", "/healthz")
                await probe.close()
                if answer.status == 200:
                    return
            await asyncio.sleep(0.2)
