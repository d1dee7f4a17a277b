"""The page and its files over real HTTP: redirects, caching, gzip, no CDN, the page weight."""

from __future__ import annotations

import httpx
import pytest

from tests.bot.webchat.served import Served


async def test_root_redirects_to_chat_and_health_lists_it(served: Served) -> None:
    async with served.client() as client:
        root = await client.get("/")
        assert root.status_code == 302
        assert root.headers["location"] == "/chat"
        health = await client.get("/healthz")
        assert "webchat" in health.json()["components"]


async def test_static_files_are_gzipped_cached_and_local(served: Served) -> None:
    async with served.client() as client:
        page = await client.get("/chat")
        assert "https://" not in page.text and "http://" not in page.text  # no CDN
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        url = page.text.split('src="', 1)[1].split('"', 1)[0]
        script = await client.get(url, headers={"accept-encoding": "gzip"})
        assert script.headers["content-encoding"] == "gzip"
        assert "immutable" in script.headers["cache-control"]
        again = await client.get(url, headers={"if-none-match": script.headers["etag"]})
        assert again.status_code == 304
        embed = await client.get("/chat/embed.js")
        assert embed.headers["content-type"].startswith("text/javascript")
        assert "max-age=3600" in embed.headers["cache-control"]
        assert (await client.get("/chat/static/nothing.js")).status_code == 404


async def test_page_weight(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    """HTML + CSS + JS as a phone downloads them (gzip) stays far below one slow second."""
    async with httpx.AsyncClient(base_url=served.url) as client:
        page = await client.get("/chat", headers={"accept-encoding": "identity"})
        html_raw = len(page.content)
        zipped = await client.get("/chat", headers={"accept-encoding": "gzip"})
        html_gz = int(zipped.headers.get("content-length", len(zipped.content)))
        sizes = served.chat.assets.sizes()
    css, js = sizes["chat.css"], sizes["chat.js"]
    total_raw = html_raw + css[0] + js[0]
    total_gz = html_gz + css[1] + js[1]
    with capsys.disabled():
        print(
            f"\npage weight: HTML {html_raw}/{html_gz} B, CSS {css[0]}/{css[1]} B, "
            f"JS {js[0]}/{js[1]} B; total {total_raw} B raw, {total_gz} B gzip"
        )
    assert total_gz < 12_000
