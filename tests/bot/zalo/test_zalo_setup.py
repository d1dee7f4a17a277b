"""Setting Zalo up: settings checked in one line, `ocop-bot run` wiring, `ocop-bot zalo auth`."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.channels.zalo import ZaloChannel
from bot.cli import main
from bot.cli.zalo import auth, read_callback, status
from bot.runtime import open_runtime
from bot.serve import components
from bot.settings import SettingsError, load_settings
from bot.web.app import create_app
from bot.workers.delivery import DeliveryWorker
from conversations.i18n import Catalogs
from testbed.zalo_api import APP_ID, OA_ID, FakeZalo
from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import zalo_settings
from tests.support import Database

CALLBACK = "https://ocop.example.vn/zalo/callback"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"zalo_app_id": "123"}, "bad setting ZALO_OA_SECRET_KEY: needed with ZALO_APP_ID"),
        ({"zalo_oa_secret_key": "k"}, "bad setting ZALO_OA_SECRET_KEY: set ZALO_APP_ID too"),
        ({"zalo_app_id": "abc", "zalo_oa_secret_key": "k"}, "bad setting ZALO_APP_ID: must be"),
        (
            {"zalo_app_id": "123", "zalo_oa_secret_key": "k"},
            "bad setting ZALO_APP_SECRET: needed with ZALO_APP_ID",
        ),
        (
            {"zalo_app_id": "1", "zalo_oa_secret_key": "k", "zalo_app_secret": "s",
             "zalo_api_base_url": "openapi.zalo.me"},
            "bad setting ZALO_API_BASE_URL: must start with https://",
        ),
        (
            {"zalo_app_id": "1", "zalo_oa_secret_key": "k", "zalo_app_secret": "s",
             "zalo_reply_window_hours": "0"},
            "bad setting ZALO_REPLY_WINDOW_HOURS",
        ),
    ],
)  # fmt: skip
def test_bad_zalo_settings_fail_in_one_line(values: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**values)
    text = str(caught.value)
    assert text.startswith(message) and "\n" not in text


def test_ocop_bot_run_stops_at_once_on_bad_zalo_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    monkeypatch.setenv("ZALO_APP_ID", "4321")
    monkeypatch.delenv("ZALO_OA_SECRET_KEY", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ocop-bot: bad setting ZALO_OA_SECRET_KEY") and "\n" not in err


async def test_ocop_bot_run_serves_zalo_when_configured(
    zalo_api: FakeZalo, database: Database, catalogs: Catalogs
) -> None:
    settings = zalo_settings(zalo_api, database)
    async with open_runtime(settings, catalogs=catalogs) as runtime:
        parts = components(runtime)
        [channel] = [c for c in parts if c.name == "zalo"]
        assert isinstance(channel, ZaloChannel)
        assert channel.reply_window is not None and channel.reply_window.days == 7
        [delivery] = [c for c in parts if isinstance(c, DeliveryWorker)]
        assert delivery.senders["zalo"] is channel  # proactive messages go through it too
        app = create_app(runtime, parts)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client,
        ):
            health = (await client.get("/healthz")).json()
            assert "zalo" in health["components"]
            event = payloads.text("7006000000001", "menu")
            zalo_api.user_wrote("7006000000001")
            raw = payloads.encode(event)
            headers = {"X-ZEvent-Signature": payloads.sign(raw, event["timestamp"])}
            assert (await client.post("/zalo", content=raw, headers=headers)).status_code == 200
            await zalo_api.wait_until(lambda: bool(zalo_api.to("7006000000001")))
    plain = zalo_settings(zalo_api, database, zalo_app_id="", zalo_oa_secret_key="")
    async with open_runtime(plain, catalogs=catalogs) as runtime:
        assert "zalo" not in [c.name for c in components(runtime)]


async def test_zalo_auth_exchanges_the_code_with_pkce_and_stores_the_tokens(
    zalo_api: FakeZalo, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = zalo_settings(
        zalo_api, database, zalo_redirect_uri=CALLBACK, zalo_access_token="", zalo_refresh_token=""
    )

    def approve(_prompt: str) -> str:
        """The admin opens the printed address, Zalo redirects to the callback with a code."""
        url = re.search(r"http://\S+/v4/oa/permission\?\S+", capsys.readouterr().out)
        assert url is not None
        query = parse_qs(urlsplit(url.group(0)).query)
        assert query["app_id"] == [APP_ID] and query["redirect_uri"] == [CALLBACK]
        zalo_api.issue_code("the-code", query["code_challenge"][0])
        return f"{CALLBACK}?code=the-code&oa_id={OA_ID}&state={query['state'][0]}"

    assert await auth(settings, read=approve) == 0
    out = capsys.readouterr().out
    assert "Zalo tokens stored" in out and zalo_api.access not in out
    assert await status(settings) == 0
    shown = capsys.readouterr().out
    assert OA_ID in shown and "FAILED" not in shown and zalo_api.refresh not in shown


async def test_zalo_auth_refuses_a_callback_from_another_run(
    zalo_api: FakeZalo, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = zalo_settings(zalo_api, database, zalo_redirect_uri=CALLBACK)
    code = await auth(settings, read=lambda _p: f"{CALLBACK}?code=x&state=forged")
    assert code == 1
    assert "state does not match" in capsys.readouterr().out
    assert await status(settings) == 1  # nothing stored


def test_read_callback_takes_a_bare_code_or_the_address() -> None:
    assert read_callback("  abc123  ", "s") == ("abc123", "")
    assert read_callback(f"{CALLBACK}?code=c1&oa_id=9&state=s", "s") == ("c1", "9")
    with pytest.raises(ValueError):
        read_callback(f"{CALLBACK}?code=&state=s", "s")
    with pytest.raises(ValueError):
        read_callback("", "s")
