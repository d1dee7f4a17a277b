"""A Starlette app served by uvicorn on a free port of 127.0.0.1, inside the test's event loop:
what the fake platform servers run on."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route


class LocalServer:
    """`url = await server.start(routes)`, then `await server.stop()`."""

    def __init__(self) -> None:
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    async def start(self, routes: list[Route]) -> str:
        """Serve `routes` and return the base URL once uvicorn accepts connections."""
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        # A keep-alive longer than any test: uvicorn's 5 s default closes idle connections that
        # a client may be reusing at that instant (an httpx.ReadError on a loaded machine).
        config = uvicorn.Config(
            Starlette(routes=routes), log_level="warning", lifespan="off", ws="none",
            timeout_keep_alive=300,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        async with asyncio.timeout(10):
            while not self._server.started:  # noqa: ASYNC110 (uvicorn offers only this flag)
                await asyncio.sleep(0.01)
        return self.url

    async def stop(self) -> None:
        """Let uvicorn finish the requests in flight, then close the socket."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        if self._socket is not None:
            self._socket.close()
