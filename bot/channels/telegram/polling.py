"""Long polling that confirms an update to Telegram only after it has been processed.

Telegram forgets an update once `getUpdates` is called with an offset above its id. PTB's own
`Updater` asks for the next batch (confirming the last one) while the last one still waits in
a queue, so a crash there loses messages. Here the next `getUpdates` is sent only when the whole
batch is done: whatever Telegram has forgotten was processed. A batch cut short (crash, stop
timeout) comes again on the next start and the engine drops the ids it already handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter

from bot.channels.telegram.sending import retry_seconds

log = logging.getLogger(__name__)

Process = Callable[[Update], Awaitable[bool]]

MAX_BACKOFF = 30.0
CONFIRM_TIMEOUT = 3.0


class Poller:
    """Fetches updates in batches and processes each batch before asking for the next one."""

    def __init__(
        self,
        bot: Bot,
        process: Process,
        *,
        timeout: int,
        allowed_updates: Sequence[str],
        concurrency: int = 8,
    ) -> None:
        self.bot = bot
        self.process = process
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self._slots = asyncio.Semaphore(concurrency)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._offset: int | None = None
        """The next `getUpdates` offset: one above the last update processed."""
        self._confirmed: int | None = None
        """The offset Telegram last received."""

    def start(self) -> None:
        """Begin polling in a background task."""
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self, grace: float) -> None:
        """Stop asking; let the batch in hand finish for up to `grace` seconds, then cancel it."""
        self._stopping.set()
        task = self._task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            log.warning("telegram: batch not done after %gs; it comes again on restart", grace)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch()
            except InvalidToken:
                log.error("telegram: the bot token was rejected; polling stopped")
                return
            except Exception as exc:
                wait = retry_seconds(exc) if isinstance(exc, RetryAfter) else delay
                self._log_fetch_error(exc, wait)
                await self._sleep(wait)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            delay = 1.0
            if updates is None:
                break
            if updates:
                self._offset = await self._process_batch(updates)
        await self._confirm()

    async def _fetch(self) -> Sequence[Update] | None:
        """The next batch, or None when asked to stop while waiting for it."""
        offset = self._offset
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=offset,
                timeout=timedelta(seconds=self.timeout),
                allowed_updates=self.allowed_updates,
            )
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pending in (fetch, stopping):
                if not pending.done():
                    pending.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pending
        if fetch not in done:
            return None  # whatever that request would have returned is not confirmed
        updates = fetch.result()
        self._confirmed = offset
        return updates

    async def _process_batch(self, updates: Sequence[Update]) -> int:
        """Process a batch: each user's updates in order, different users side by side.

        Once stopping, no further update is begun. Returns the offset to confirm: one above
        the longest run of processed updates from the start of the batch.
        """
        lanes: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            user = update.effective_user
            lanes[user.id if user else -update.update_id].append(update)
        done: set[int] = set()

        async def lane(items: list[Update]) -> None:
            for update in items:
                async with self._slots:
                    if self._stopping.is_set():
                        return
                    try:
                        await self.process(update)
                    except Exception:
                        log.exception("telegram: update %d failed", update.update_id)
                    done.add(update.update_id)

        await asyncio.gather(*(lane(items) for items in lanes.values()))
        for update in updates:
            if update.update_id not in done:
                return update.update_id
        return updates[-1].update_id + 1

    async def _confirm(self) -> None:
        """Tell Telegram the last batch is done, so a restart does not fetch it again."""
        if self._offset is None or self._offset == self._confirmed:
            return
        try:
            await asyncio.wait_for(
                self.bot.get_updates(
                    offset=self._offset,
                    limit=1,
                    timeout=timedelta(0),
                    allowed_updates=self.allowed_updates,
                ),
                CONFIRM_TIMEOUT,
            )
        except Exception as exc:
            # Harmless: the batch is fetched again on restart and dropped as already handled.
            log.warning("telegram: could not confirm the last updates (%s)", type(exc).__name__)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _log_fetch_error(self, exc: Exception, wait: float) -> None:
        if isinstance(exc, Conflict):
            log.error("telegram: another poller or a webhook uses this token; retry in %gs", wait)
        elif isinstance(exc, NetworkError | RetryAfter):
            log.warning("telegram: getUpdates failed (%s); retry in %gs", exc, wait)
        else:
            log.error("telegram: getUpdates failed; retry in %gs", wait, exc_info=exc)
