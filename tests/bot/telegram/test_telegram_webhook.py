"""Webhook mode inside the one Starlette app: the secret is checked, updates are stored and answered
at once, then processed (and retried) in the background."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.runtime import Runtime, open_runtime
from bot.serve import components
from bot.settings import Settings
from bot.web.app import create_app
from conversations.i18n import Catalogs
from conversations.messages import Incoming, Reply
from conversations.models import ProcessedMessage
from testbed import telegram_updates as updates
from testbed.telegram_api import FakeBotApi
from tests.support import Database

URL = "https://bot.example.org/telegram"
SECRET = "s3cret-Token_for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
LAN = 801


class Webhook:
    """A client posting to the app's `/telegram`, with the channel and runtime behind it."""

    def __init__(self, client: httpx.AsyncClient, channel: TelegramChannel, runtime: Runtime):
        self.client = client
        self.channel = channel
        self.runtime = runtime

    async def post(self, update: dict[str, object], secret: str | None = SECRET) -> int:
        headers = {HEADER: secret} if secret is not None else {}
        response = await self.client.post("/telegram", json=update, headers=headers)
        return response.status_code

    async def processed(self) -> list[str]:
        async with self.runtime.sessions() as session:
            return list((await session.exec(select(ProcessedMessage.message_id))).all())


@pytest.fixture
async def webhook(
    api: FakeBotApi, database: Database, catalogs: Catalogs
) -> AsyncIterator[Webhook]:
    """`ocop-bot run`'s app in webhook mode, its lifespan running, reached in-process."""
    settings = Settings(
        database_url=database.url,
        telegram_bot_token=api.token,
        telegram_api_base_url=api.url,
        telegram_webhook_url=URL,
        telegram_webhook_secret=SECRET,
    )
    async with open_runtime(settings, catalogs=catalogs) as runtime:
        parts = [c for c in components(runtime) if c.name == "telegram"]
        assert len(parts) == 1
        channel = parts[0]
        assert isinstance(channel, TelegramChannel)
        app = create_app(runtime, parts)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client,
        ):
            async with asyncio.timeout(10):
                await channel.wait_ready()
            yield Webhook(client, channel, runtime)


async def test_webhook_is_registered_with_its_secret(webhook: Webhook, api: FakeBotApi) -> None:
    assert api.webhook["url"] == URL
    assert api.webhook["secret_token"] == SECRET
    assert "callback_query" in api.webhook["allowed_updates"]
    assert api.calls_of("getUpdates") == []


async def test_missing_or_wrong_secret_is_refused_and_changes_nothing(
    webhook: Webhook, api: FakeBotApi
) -> None:
    update = api.stamp(updates.text(LAN, "/start"))
    assert await webhook.post(update, secret=None) == 403
    assert await webhook.post(update, secret="guess") == 403
    assert await webhook.post(update, secret=SECRET + "x") == 403
    assert await webhook.processed() == []
    assert api.sent == []


async def test_update_is_stored_answered_then_processed_once(
    webhook: Webhook, api: FakeBotApi
) -> None:
    update = api.stamp(updates.text(LAN, "/start"))
    assert await webhook.post(update) == 200
    await api.wait_until(lambda: len(api.to(LAN)) == 1)
    assert await webhook.processed() == [str(update["update_id"])]
    assert await webhook.post(update) == 200  # Telegram delivering it again
    await asyncio.sleep(0.5)
    assert len(api.to(LAN)) == 1


class SlowEngine:
    """An engine taking longer than Telegram would wait for its answer."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    async def handle(self, incoming: Incoming) -> list[Reply]:
        await asyncio.sleep(3)
        return await self.engine.handle(incoming)  # type: ignore[attr-defined]

    async def delivered(self, incoming: Incoming) -> None:
        await self.engine.delivered(incoming)  # type: ignore[attr-defined]


async def test_a_slow_turn_does_not_hold_telegrams_request(
    webhook: Webhook, api: FakeBotApi
) -> None:
    webhook.channel.engine = SlowEngine(webhook.channel.engine)  # type: ignore[assignment]
    update = api.stamp(updates.text(LAN, "/start"))
    began = asyncio.get_running_loop().time()
    assert await webhook.post(update) == 200
    assert asyncio.get_running_loop().time() - began < 1.5  # answered before the turn ends
    assert api.to(LAN) == []
    await api.wait_until(lambda: len(api.to(LAN)) == 1, within=15)


class BrokenEngine:
    """An engine whose database has gone away."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        raise ConnectionError("database unreachable")


async def test_a_failed_update_is_retried_in_the_background(
    webhook: Webhook, api: FakeBotApi
) -> None:
    update = api.stamp(updates.tap(LAN, "menu:register"))
    engine = webhook.channel.engine
    webhook.channel.engine = BrokenEngine()  # type: ignore[assignment]
    assert await webhook.post(update) == 200  # stored: Telegram need not send it again
    await api.wait_until(lambda: len(api.calls_of("answerCallbackQuery")) >= 1)
    webhook.channel.engine = engine  # the database is back
    await api.wait_until(lambda: len(api.to(LAN)) == 1, within=15)
    await asyncio.sleep(0.3)
    assert len(api.to(LAN)) == 1


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(
    webhook: Webhook, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def database_down(_event: object) -> bool:
        raise OSError("database unreachable")

    update = api.stamp(updates.text(LAN, "/start"))
    with monkeypatch.context() as patch:
        patch.setattr(webhook.channel.inbox, "store", database_down)
        assert await webhook.post(update) == 503  # Telegram sends it again later
    assert await webhook.post(update) == 200
    await api.wait_until(lambda: len(api.to(LAN)) == 1)


async def test_body_that_is_not_an_update_is_rejected(webhook: Webhook, api: FakeBotApi) -> None:
    headers = {HEADER: SECRET}
    response = await webhook.client.post("/telegram", content=b"{not json", headers=headers)
    assert response.status_code == 400
    response = await webhook.client.post("/telegram", json={"no": "update"}, headers=headers)
    assert response.status_code == 400
    assert api.sent == []
