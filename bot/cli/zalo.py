"""`ocop-bot zalo auth` (authorise the OA with OAuth v4 and PKCE) and `ocop-bot zalo status`."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.channels.errors import ChannelError
from bot.channels.zalo.oauth import OAuthClient, OAuthError, Pkce, authorisation_url
from bot.channels.zalo.tokens import TokenStore
from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings
from conversations.channels.tokens import ZaloToken


def read_callback(line: str, state: str) -> tuple[str, str]:
    """(code, oa_id) from the pasted callback address, or from a bare code.

    Raises ValueError when the address carries another `state` (not from this run) or no code.
    """
    line = line.strip()
    if "code=" not in line:
        if not line or any(c.isspace() for c in line):
            raise ValueError("no authorisation code given")
        return line, ""
    query = parse_qs(urlsplit(line).query or line.partition("?")[2] or line)
    given = query.get("state", [state])[0]
    if not secrets.compare_digest(given, state):
        raise ValueError("the address is from another authorisation (state does not match)")
    code = query.get("code", [""])[0]
    if not code:
        raise ValueError("no authorisation code in the address")
    return code, query.get("oa_id", [""])[0]


async def auth(
    settings: Settings,
    redirect_uri: str | None = None,
    *,
    read: Callable[[str], str] = input,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Print the authorisation address, take the callback, store the OA's first tokens."""
    if not (settings.zalo_app_id and settings.zalo_app_secret):
        print("ocop-bot: set ZALO_APP_ID and ZALO_APP_SECRET first")
        return 2
    redirect = redirect_uri or settings.zalo_redirect_uri
    if not redirect:
        print("ocop-bot: give --redirect-uri or set ZALO_REDIRECT_URI (the app's callback URL)")
        return 2
    pkce, state = Pkce.new(), secrets.token_urlsafe(16)
    url = authorisation_url(
        settings.zalo_oauth_base_url, settings.zalo_app_id, redirect, pkce, state
    )
    print("1. Open this address logged in as an admin of the Official Account, and allow:")
    print(f"   {url}")
    print("2. Zalo then opens the callback address. Paste it here (or only its code=… value).")
    try:
        line = await asyncio.to_thread(read, "Callback address or code: ")
        code, oa_id = read_callback(line, state)
    except (ValueError, EOFError) as exc:
        print(f"ocop-bot: {exc or 'no input'}")
        return 1
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with httpx.AsyncClient(transport=transport, timeout=15.0) as http:
            oauth = OAuthClient(
                http, settings.zalo_oauth_base_url, settings.zalo_app_id, settings.zalo_app_secret
            )
            store = TokenStore(session_factory(engine), oauth, settings.zalo_app_id)
            try:
                tokens = await oauth.exchange(code, pkce.verifier)
            except (OAuthError, ChannelError) as exc:
                print(f"ocop-bot: the code was not exchanged: {exc}")
                return 1
            await store.save(tokens, oa_id)
    finally:
        await engine.dispose()
    hours = tokens.expires_in / 3600
    print(f"Zalo tokens stored for app {settings.zalo_app_id}; access valid for {hours:.0f} h.")
    print("The bot refreshes them by itself from now on.")
    return 0


async def status(settings: Settings) -> int:
    """Print the state of the stored tokens; 1 when there are none or the last refresh failed."""
    if not settings.zalo_app_id:
        print("ocop-bot: ZALO_APP_ID is not set")
        return 2
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session:
            row = await session.get(ZaloToken, settings.zalo_app_id)
    finally:
        await engine.dispose()
    if row is None:
        print(f"No Zalo tokens for app {settings.zalo_app_id}: run `ocop-bot zalo auth`.")
        return 1

    def local(moment: datetime | None) -> str:
        return moment.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M") if moment else "—"

    print(f"App {row.app_id}  OA {row.oa_id or '—'}")
    print(f"Access token expires: {local(row.expires_at)}")
    print(f"Last refresh: {local(row.refreshed_at)} ({row.refresh_count} since authorisation)")
    if row.failed_at is not None:
        print(f"LAST REFRESH FAILED {local(row.failed_at)}: {row.last_error}")
        return 1
    return 0
