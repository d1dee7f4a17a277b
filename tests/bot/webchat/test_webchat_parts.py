"""The web chat's parts on their own: signing key, rate limiter, notifier, assets, wiring."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from bot.channels.webchat.assets import Assets
from bot.channels.webchat.notifier import Notifier
from bot.channels.webchat.ratelimit import RateLimiter, retry_after
from bot.serve import chat_url
from bot.settings import Settings
from bot.web.secret_key import load_secret_key


def settings(**values: object) -> Settings:
    """Settings from keywords only (no environment file)."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_secret_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = load_secret_key(settings(ocop_secret_key=""), tmp_path / "var")
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_secret_key(settings(ocop_secret_key=""), tmp_path / "var") == first


def test_secret_key_from_the_environment_wins(tmp_path: Path) -> None:
    key = load_secret_key(settings(ocop_secret_key="k" * 40), tmp_path)
    assert key == b"k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=20, burst=20, clock=lambda: now[0])
    assert [limiter.take("v") for _ in range(20)] == [0.0] * 20
    wait = limiter.take("v")
    assert wait == pytest.approx(3.0)
    assert retry_after(wait) == 3
    now[0] += 3.0
    assert limiter.take("v") == 0.0
    assert limiter.take("other") == 0.0


def test_token_bucket_forgets_idle_keys() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0], max_keys=3)
    for key in ("a", "b", "c"):
        limiter.take(key)
    now[0] += 10
    limiter.take("d")
    assert len(limiter._buckets) == 1


async def test_notifier_wakes_listeners_and_forgets_them() -> None:
    notifier = Notifier()
    with notifier.listen("v") as event, notifier.listen("v") as same:
        assert event is same
        notifier.wake("v")
        await asyncio.wait_for(event.wait(), 1)
        with notifier.listen("v") as fresh:
            assert fresh is not event
            assert not fresh.is_set()
    assert len(notifier) == 0
    notifier.close()
    with notifier.listen("w") as late:
        assert late.is_set()


def test_assets_are_versioned_small_and_gzipped() -> None:
    assets = Assets()
    sizes = assets.sizes()
    assert set(sizes) == {"chat.css", "chat.js", "embed.js"}
    assert assets.url("/chat/static", "chat.js").startswith("/chat/static/chat.js?v=")
    raw = sum(sizes[name][0] for name in ("chat.css", "chat.js"))
    zipped = sum(sizes[name][1] for name in ("chat.css", "chat.js"))
    assert raw < 24_000
    assert zipped < 8_000


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080/chat"),
        ("0.0.0.0", "http://127.0.0.1:8080/chat"),
        ("::1", "http://[::1]:8080/chat"),
    ],
)
def test_chat_url_is_printable(host: str, url: str) -> None:
    assert chat_url(settings(ocop_host=host)) == url
