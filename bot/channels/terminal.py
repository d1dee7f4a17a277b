"""The terminal channel: chat with the engine from a shell, interactively or line by line."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import TextIO

from conversations.engine import Engine
from conversations.messages import Incoming, Reply

CHANNEL = "terminal"


def render(replies: list[Reply]) -> str:
    """Replies as plain text: text, then choices as `1. …` lines; a blank line between."""
    return "\n\n".join(reply.numbered() for reply in replies)


async def send(engine: Engine, user: str, text: str, lang: str | None = None) -> list[Reply]:
    """Hand one typed line to the engine."""
    incoming = Incoming(
        channel=CHANNEL,
        user_key=user,
        message_id=uuid.uuid4().hex,
        text=text,
        locale_hint=lang,
    )
    return await engine.handle(incoming)


async def _readline(stream: TextIO) -> str:
    return await asyncio.to_thread(stream.readline)


async def chat(
    engine: Engine,
    user: str,
    lang: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Run the chat until end of input; prompts and a greeting only when stdin is a terminal."""
    source = stdin or sys.stdin
    sink = stdout or sys.stdout
    interactive = source.isatty()
    if interactive:
        sink.write(render(await send(engine, user, "menu", lang)) + "\n\n")
    while True:
        if interactive:
            sink.write("> ")
            sink.flush()
        line = await _readline(source)
        if not line:
            break
        text = line.rstrip("\r\n")
        if interactive and not text.strip():
            continue
        sink.write(render(await send(engine, user, text, lang)) + "\n\n")
        sink.flush()
    if interactive:
        sink.write("\n")
