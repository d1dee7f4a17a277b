"""Signed events with odd content are answered (200), so Zalo does not send them forever."""

from __future__ import annotations

import json

from tests.bot.zalo import payloads
from tests.bot.zalo.conftest import Harness


async def test_a_signed_event_with_a_nul_in_the_user_id_is_answered(zalo: Harness) -> None:
    served = await zalo.start()
    assert await served.post(payloads.text("7007\x00000001", "xin chào")) == 200
    event = payloads.text("7007000000002", "hỏi\x00 \ud800đáp")
    raw = json.dumps(event, separators=(",", ":")).encode()  # escaped, as JSON allows
    signed = payloads.sign(raw, str(event["timestamp"]))
    assert await served.post(event, raw=raw, signature=signed) == 200
    await served.settle()
    user = await served.user("7007000000002")
    assert user is not None
