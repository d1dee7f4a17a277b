"""The Zalo Official Account channel: a thin httpx client for the OA API v3 and the webhook."""

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.config import CHANNEL, ZaloConfig

__all__ = ("CHANNEL", "ZaloChannel", "ZaloConfig")
