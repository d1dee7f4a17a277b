"""The OA's access token, refreshed ahead of expiry by one process at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.errors import ChannelError
from bot.channels.zalo.codes import ZaloAuthError
from bot.channels.zalo.oauth import OAuthClient, Tokens
from conversations.channels.tokens import ZaloToken
from conversations.clock import utcnow

log = logging.getLogger(__name__)


class TokenStore:
    """Hands out the current access token and renews it; never logs a token.

    A refresh holds the token row locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite every
    write transaction is BEGIN IMMEDIATE, so writers queue) from reading the refresh token
    until the new pair is committed. A process that waited for the lock finds new tokens and
    does not refresh again: the refresh token is single-use, so a second refresh would fail.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        oauth: OAuthClient,
        app_id: str,
        *,
        margin: timedelta = timedelta(hours=6),
        pause: timedelta = timedelta(minutes=1),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.oauth = oauth
        self.app_id = app_id
        self.margin = margin
        self.pause = pause
        self.clock = clock
        self._row: ZaloToken | None = None
        self._lock = asyncio.Lock()

    async def seed(self, access_token: str, refresh_token: str) -> bool:
        """Store tokens from the settings unless the database has some already; True if stored.

        The database always wins: after the first refresh the settings' refresh token is spent.
        """
        if not access_token and not refresh_token:
            return False
        async with self.sessions() as session, session.begin():
            insert = (
                postgresql.insert
                if session.get_bind().dialect.name == "postgresql"
                else sqlite.insert
            )
            result = await session.exec(  # type: ignore[call-overload]
                insert(ZaloToken)
                .values(
                    app_id=self.app_id,
                    oa_id="",
                    access_token=access_token,
                    refresh_token=refresh_token,
                    expires_at=None,
                    refresh_count=0,
                    updated_at=self.clock(),
                )
                .on_conflict_do_nothing()
            )
        return bool(result.rowcount)

    async def save(self, tokens: Tokens, oa_id: str = "") -> None:
        """Store tokens from a new authorisation, replacing whatever was there."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            row = await session.get(ZaloToken, self.app_id, with_for_update=True)
            if row is None:
                row = ZaloToken(app_id=self.app_id, access_token="")
            _apply(row, tokens, now)
            row.oa_id = oa_id or row.oa_id
            row.refresh_count = 0
            session.add(row)
        self._row = None

    async def status(self) -> ZaloToken | None:
        """The stored row, for officers and `ocop-bot zalo status`."""
        async with self.sessions() as session:
            return await session.get(ZaloToken, self.app_id)

    async def access_token(self) -> str:
        """A usable access token, refreshed first when it expires within the margin."""
        row = self._row
        now = self.clock()
        if row is None or row.expiring(now, self.margin):
            row = await self._read()
        if not row.expiring(now, self.margin) or not self._may_try(row, now):
            return row.access_token
        try:
            return await self.refresh(stale=row.access_token)
        except ChannelError:
            if row.expires_at is not None and row.expires_at > now:
                return row.access_token  # still valid for a while; the failure is recorded
            raise

    async def keep_fresh(self) -> None:
        """The background check: refresh when expiring, or when the expiry is unknown."""
        row = await self._read()
        if row.expires_at is None and row.refresh_token and self._may_try(row, self.clock()):
            await self.refresh(stale=row.access_token)  # learns the expiry; keeps it rotating
            return
        await self.access_token()

    async def refresh(self, stale: str | None = None) -> str:
        """Renew the tokens, unless someone did since `stale` was handed out; the new token."""
        async with self._lock:
            now = self.clock()
            failure: str | None = None
            async with self.sessions() as session, session.begin():
                row = await session.get(ZaloToken, self.app_id, with_for_update=True)
                if row is None:
                    raise ZaloAuthError(0, "no Zalo tokens stored: run `ocop-bot zalo auth`")
                renewed = stale is not None and row.access_token != stale
                if renewed or (stale is None and not row.expiring(now, self.margin)):
                    self._row = row
                    return row.access_token
                if not self._may_try(row, now):
                    failure = row.last_error or "refresh failed recently"
                elif not row.refresh_token:
                    failure = "no refresh token stored: run `ocop-bot zalo auth`"
                else:
                    try:
                        tokens = await self.oauth.refresh(row.refresh_token)
                    except Exception as exc:
                        failure = str(exc)[:300] or type(exc).__name__
                        row.last_error = failure
                        row.failed_at = now
                        row.updated_at = now
                        session.add(row)
                        log.error(
                            "zalo: refreshing the access token failed: %s (re-authorise with "
                            "`ocop-bot zalo auth` if this goes on)",
                            failure,
                        )
                    else:
                        _apply(row, tokens, now)
                        row.refresh_count += 1
                        session.add(row)
                        log.info("zalo: access token refreshed (valid %d s)", tokens.expires_in)
            self._row = row
            if failure is not None:
                raise ZaloAuthError(0, f"cannot refresh the access token: {failure}")
            return row.access_token

    async def _read(self) -> ZaloToken:
        async with self.sessions() as session:
            row = await session.get(ZaloToken, self.app_id)
        if row is None:
            raise ZaloAuthError(0, "no Zalo tokens stored: run `ocop-bot zalo auth`")
        self._row = row
        return row

    def _may_try(self, row: ZaloToken, now: datetime) -> bool:
        return row.failed_at is None or now - row.failed_at >= self.pause

    def forget(self) -> None:
        """Drop the cached row, so the next call reads the database."""
        self._row = None


def _apply(row: ZaloToken, tokens: Tokens, now: datetime) -> None:
    row.access_token = tokens.access_token
    row.refresh_token = tokens.refresh_token
    row.expires_at = now + timedelta(seconds=tokens.expires_in)
    row.refreshed_at = now
    row.last_error = None
    row.failed_at = None
    row.updated_at = now
