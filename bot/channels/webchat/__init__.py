"""The web chat channel: the `/chat` page, its message API, uploads and the embeddable button."""

from bot.channels.webchat.component import CHANNEL, Limits, WebChat

__all__ = ("CHANNEL", "Limits", "WebChat")
