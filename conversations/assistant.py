"""The assembled assistant: every flow, every choice handler and the free-text answerer."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conversations.engine import Engine
from conversations.flows import language, menu
from conversations.flows.base import Flow
from conversations.flows.menu import menu_reply
from conversations.messages import Reply
from conversations.router import Router
from conversations.services import Services
from conversations.turn import Turn

FLOWS: tuple[Flow, ...] = (language.FLOW,)


def build_router() -> Router:
    """The router with every flow and handler of the product."""
    router: Router

    async def on_menu(turn: Turn, value: str) -> list[Reply]:
        handlers = {
            "menu:register": menu.register_placeholder,
            "menu:dossier": menu.dossier_placeholder,
            "menu:ask": menu.ask_prompt,
            "menu:quiz": menu.quiz_placeholder,
            "menu:reminders": menu.reminders_placeholder,
        }
        if value == "menu:settings":
            return await router.start(turn, "language")
        handler = handlers.get(value)
        if handler is None:
            return [menu_reply(turn)]
        return await handler(turn)

    async def on_text(turn: Turn, text: str) -> list[Reply]:
        return [
            menu_reply(
                turn,
                lead=turn.t("I did not understand “{text}”.", text=text[:80]),
            )
        ]

    router = Router(
        flows={flow.name: flow for flow in FLOWS},
        actions={"menu": on_menu},
        free_text=on_text,
    )
    return router


def build_engine(sessions: async_sessionmaker[AsyncSession], services: Services) -> Engine:
    """An engine with the whole assistant behind it."""
    return Engine(sessions, services, build_router())
