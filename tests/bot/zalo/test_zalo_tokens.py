"""Tokens: refreshed once on an expired-token error, ahead of expiry, once across processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import httpx
import pytest

from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.codes import ZaloAuthError
from bot.channels.zalo.oauth import OAuthClient
from bot.channels.zalo.tokens import TokenStore
from conversations.channels.tokens import ZaloToken
from conversations.clock import utcnow
from conversations.messages import Reply
from testbed.zalo_api import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness
from tests.support import Database

CS = "/v3.0/oa/message/cs"
TOKEN = "/v4/oa/access_token"
USER = "7001112223334"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """One HTTP client for the test's token stores."""
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield client


Make = Callable[..., TokenStore]


@pytest.fixture(autouse=True)
def _user_wrote(zalo_api: FakeZalo) -> None:
    """USER has just written, so Zalo accepts replies to them."""
    zalo_api.user_wrote(USER)


@pytest.fixture
def store(database: Database, zalo_api: FakeZalo, http: httpx.AsyncClient) -> Make:
    """Each call: a token store on a new connection pool (another process)."""

    def make(**kwargs: object) -> TokenStore:
        oauth = OAuthClient(http, zalo_api.url, APP_ID, APP_SECRET)
        return TokenStore(database.open(), oauth, APP_ID, **kwargs)  # type: ignore[arg-type]

    return make


async def _row(store: TokenStore) -> ZaloToken:
    row = await store.status()
    assert row is not None
    return row


async def test_an_expired_token_is_refreshed_once_and_the_send_retried(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    zalo_api.expire()
    ids = await served.channel.send(USER, [Reply("Nhắc hạn nộp hồ sơ")])
    assert len(ids) == 1
    assert len(zalo_api.refreshes) == 1
    assert [c.token for c in zalo_api.calls_to(CS)] == ["access-0", "access-1"]
    assert zalo_api.texts(USER) == ["Nhắc hạn nộp hồ sơ"]
    row = await _row(served.channel.tokens)
    # The rotated refresh token is stored with the new access token.
    assert (row.access_token, row.refresh_token, row.refresh_count) == ("access-1", "refresh-1", 1)
    assert row.expires_at is not None and row.expires_at - utcnow() > timedelta(hours=24)


async def test_a_token_refused_twice_is_an_auth_error_not_a_loop(
    zalo: Harness, zalo_api: FakeZalo
) -> None:
    served = await zalo.start()
    zalo_api.fail(CS, -216, times=2)
    with pytest.raises(ZaloAuthError):
        await served.channel.send(USER, [Reply("xin chào")])
    assert len(zalo_api.refreshes) == 1
    assert len(zalo_api.calls_to(CS)) == 2


async def test_concurrent_refreshes_in_one_process_make_one_call(
    store: Make, zalo_api: FakeZalo
) -> None:
    tokens = store()
    await tokens.seed("access-0", "refresh-0")
    zalo_api.refresh_delay = 0.2
    results = await asyncio.gather(*(tokens.refresh(stale="access-0") for _ in range(5)))
    assert results == ["access-1"] * 5
    assert len(zalo_api.refreshes) == 1


async def test_concurrent_refreshes_in_two_processes_make_one_call(
    store: Make, zalo_api: FakeZalo, http: httpx.AsyncClient
) -> None:
    """Two processes' worth of engines (and clients) see the same token rejected at once."""
    first, second = store(), store()
    await first.seed("access-0", "refresh-0")
    zalo_api.expire()
    zalo_api.refresh_delay = 0.3
    clients = [ZaloClient(http, tokens, zalo_api.url) for tokens in (first, second)]
    ids = await asyncio.gather(*(c.send_text(USER, f"tin {i}") for i, c in enumerate(clients)))
    assert all(ids)
    assert len(zalo_api.refreshes) == 1
    assert (await _row(first)).refresh_token == "refresh-1"
    assert sorted(zalo_api.texts(USER)) == ["tin 0", "tin 1"]


async def test_the_token_is_refreshed_ahead_of_expiry(store: Make, zalo_api: FakeZalo) -> None:
    clock_now = utcnow()
    tokens = store(margin=timedelta(hours=6), clock=lambda: clock_now)
    await tokens.seed("access-0", "refresh-0")
    assert await tokens.access_token() == "access-0"  # expiry unknown: used until refused
    await tokens.refresh(stale="access-0")  # as after a refused token: now 25 h left
    assert len(zalo_api.refreshes) == 1
    assert await tokens.access_token() == "access-1"
    clock_now += timedelta(hours=20)  # 5 h left, within the 6 h margin
    assert await tokens.access_token() == "access-2"
    assert len(zalo_api.refreshes) == 2
    assert await tokens.access_token() == "access-2"
    assert len(zalo_api.refreshes) == 2


async def test_a_failed_refresh_is_recorded_and_logged_loudly(
    store: Make, zalo_api: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = store()
    await tokens.seed("access-0", "refresh-spent")  # Zalo no longer knows this refresh token
    with caplog.at_level(logging.DEBUG), pytest.raises(ZaloAuthError, match="Invalid refresh"):
        await tokens.refresh(stale="access-0")
    row = await _row(tokens)
    assert row.failed_at is not None
    assert row.last_error is not None and "-14014" in row.last_error
    assert row.refresh_token == "refresh-spent"  # kept: nothing better to replace it with
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "refreshing the access token failed" in errors[0].getMessage()
    logged = caplog.text
    assert "refresh-spent" not in logged and APP_SECRET not in logged
    # Within the pause, a second attempt does not call Zalo again.
    with pytest.raises(ZaloAuthError):
        await tokens.refresh(stale="access-0")
    assert len(zalo_api.refreshes) == 1


async def test_a_failing_refresh_still_uses_a_token_that_has_not_expired(
    store: Make, zalo_api: FakeZalo
) -> None:
    clock_now = utcnow()
    tokens = store(clock=lambda: clock_now)
    await tokens.seed("access-0", "refresh-0")
    await tokens.refresh(stale="access-0")
    zalo_api.refresh = "something-else"  # the next refresh will be refused
    clock_now += timedelta(hours=22)  # 3 h left
    assert await tokens.access_token() == "access-1"
    row = await _row(tokens)
    assert row.failed_at is not None


async def test_settings_tokens_never_overwrite_stored_ones(store: Make) -> None:
    tokens = store()
    assert await tokens.seed("access-0", "refresh-0") is True
    await tokens.refresh(stale="access-0")
    assert await store().seed("access-0", "refresh-0") is False  # a restart with old settings
    assert (await _row(tokens)).refresh_token == "refresh-1"


async def test_no_tokens_at_all_is_a_clear_error(store: Make) -> None:
    with pytest.raises(ZaloAuthError, match="ocop-bot zalo auth"):
        await store().access_token()


async def test_tokens_and_secrets_never_reach_the_logs(
    zalo: Harness, zalo_api: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        served = await zalo.start()
        zalo_api.expire()
        assert await served.post(payloads.text(USER, "menu")) == 200
        await served.settle()
        zalo_api.refresh = "refresh-unknown-to-us"
        zalo_api.expire()
        assert await served.post(payloads.text(USER, "1")) == 200
        # The reply waits (retried until an officer re-authorises, within the reply window).
        await zalo_api.wait_until(lambda: len(zalo_api.refreshes) >= 2)
        await asyncio.sleep(0.2)
    assert len(zalo_api.refreshes) >= 2
    for secret in ("access-0", "access-1", "refresh-0", "refresh-1", APP_SECRET, OA_SECRET_KEY):
        assert secret not in caplog.text, secret
    assert "refreshing the access token failed" in caplog.text


async def test_the_background_check_learns_an_unknown_expiry(
    store: Make, zalo_api: FakeZalo
) -> None:
    tokens = store()
    await tokens.seed("access-0", "refresh-0")  # from the settings: expiry unknown
    await tokens.keep_fresh()
    row = await _row(tokens)
    assert (row.access_token, row.refresh_token) == ("access-1", "refresh-1")
    assert row.expires_at is not None
    await tokens.keep_fresh()  # 25 h left: nothing to do
    assert len(zalo_api.refreshes) == 1
