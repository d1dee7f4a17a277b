"""What a step or handler sees of one inbound message: the user, the state, the tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.i18n import Texts
from conversations.messages import Attachment, Contact, Incoming
from conversations.models import Conversation, User

if TYPE_CHECKING:
    from conversations.services import Services
    from knowledge.library import Library


@dataclass(slots=True)
class Answer:
    """The user's input as a step sees it: a chosen value, or text, a contact, an attachment."""

    text: str = ""
    choice: str | None = None
    contact: Contact | None = None
    attachment: Attachment | None = None


@dataclass(slots=True)
class Turn:
    """One message being handled inside its transaction."""

    session: AsyncSession
    user: User
    conv: Conversation
    incoming: Incoming
    t: Texts
    services: Services
    now: datetime
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def form(self) -> dict[str, Any]:
        """The fields of the flow being filled (saved with the conversation)."""
        return self.conv.data.setdefault("form", {})

    def switch_locale(self, locale: str) -> None:
        """Speak `locale` from now on, for the rest of this turn too."""
        self.user.locale = locale
        self.user.locale_chosen = True
        self.t = self.services.catalogs.texts(locale)


def library(turn: Turn) -> Library:
    """The knowledge library (the runtime always loads it before serving)."""
    if turn.services.knowledge is None:
        raise RuntimeError("knowledge library not loaded")
    return turn.services.knowledge
