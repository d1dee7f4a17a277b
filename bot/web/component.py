"""What a part of the web process provides: routes, and work started and stopped with the app."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from starlette.routing import BaseRoute


class Component(Protocol):
    """A channel, a worker or a page set that lives inside `ocop-bot run`."""

    name: str

    def routes(self) -> list[BaseRoute]:
        """The HTTP routes this component serves (may be empty)."""
        ...

    async def start(self) -> None:
        """Start background work; called once when the app starts."""
        ...

    async def stop(self) -> None:
        """Stop background work cleanly; called once when the app stops."""
        ...


@runtime_checkable
class Draining(Protocol):
    """A component holding requests open (long-polls) that it can answer when told to stop."""

    def drain(self) -> None:
        """Answer every held request now and every later one at once (the server is stopping)."""
        ...
