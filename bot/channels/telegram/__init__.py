"""The Telegram channel on python-telegram-bot: polling or webhook in, engine replies out."""

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.config import TelegramConfig
from bot.channels.telegram.inbound import CHANNEL

__all__ = ("CHANNEL", "TelegramChannel", "TelegramConfig")
