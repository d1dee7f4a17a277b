"""A client that sends a chunked body slowly and notices when the server answers mid-way."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Answer:
    """The status line's code (None when none came) and how many body bytes were sent first."""

    status: int | None
    sent: int


async def chunked_post(
    url: str,
    path: str,
    headers: dict[str, str],
    total: int,
    *,
    block: bytes = b"x" * CHUNK,
    wait: float = 10.0,
) -> Answer:
    """POST `total` bytes in chunks *without* the closing chunk: only a server that stops at
    its limit answers at all (one that buffers the body waits for the end, and times out)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    lines = [f"POST {path} HTTP/1.1", f"host: {parts.netloc}", "transfer-encoding: chunked"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    sent = 0

    async def send() -> None:
        nonlocal sent
        with contextlib.suppress(ConnectionError):
            while sent < total:
                writer.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                await writer.drain()
                sent += len(block)

    sender = asyncio.create_task(send())
    status: int | None = None
    try:
        async with asyncio.timeout(wait):
            line = await reader.readline()
            if line:
                status = int(line.split()[1])
    except TimeoutError:
        status = None
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return Answer(status, sent)
