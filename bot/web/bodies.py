"""Reading request bodies as a stream with a hard limit: nothing past the limit is ever kept.

Every endpoint that reads a body goes through here (webhooks, chat messages, uploads, dashboard
forms). A declared `Content-Length` over the limit is refused before a byte is read; a chunked
body is counted as it arrives and refused at the first chunk that crosses the limit, so a client
can never make the process hold more than `limit` bytes of one request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message


class BodyTooLarge(HTTPException):
    """The body is (or declares itself) larger than the endpoint accepts: answered with 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail="Content Too Large")
        self.limit = limit


class BadLength(HTTPException):
    """The `Content-Length` header is not a number: answered with 400."""

    def __init__(self) -> None:
        super().__init__(status_code=400, detail="Bad Content-Length")


def declared_length(request: Request) -> int | None:
    """The `Content-Length` the client declared, None when absent (chunked)."""
    value = request.headers.get("content-length")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        raise BadLength
    return int(value)


async def chunks(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive; raises `BodyTooLarge` as soon as `limit` is crossed."""
    length = declared_length(request)
    if length is not None and length > limit:
        raise BodyTooLarge(limit)
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        if chunk:
            yield chunk


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, at most `limit` bytes (else `BodyTooLarge`, with the rest left unread)."""
    return b"".join([chunk async for chunk in chunks(request, limit)])


def limited(request: Request, limit: int) -> Request:
    """The same request, its body cut off at `limit`: for parsers that read the body themselves."""
    length = declared_length(request)
    if length is not None and length > limit:
        raise BodyTooLarge(limit)
    size = 0

    async def receive() -> Message:
        nonlocal size
        message = await request.receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge(limit)
        return message

    return Request(request.scope, receive)


async def read_form(request: Request, limit: int, *, max_fields: int) -> FormData:
    """A posted form (no files), its body at most `limit` bytes and at most `max_fields` fields."""
    return await limited(request, limit).form(
        max_files=0, max_fields=max_fields, max_part_size=limit
    )


async def read_upload(request: Request, limit: int, *, max_fields: int) -> FormData:
    """A posted multipart form with at most one file, its body at most `limit` bytes (counted
    as it streams in; the file part is spooled to disk by Starlette past 1 MB)."""
    return await limited(request, limit).form(
        max_files=1, max_fields=max_fields, max_part_size=64 * 1024
    )
