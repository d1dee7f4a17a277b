"""`ocop-bot reminders preview`: what the scheduler would send on a day, without sending."""

from __future__ import annotations

import json
from datetime import date

from bot.database import create_engine, session_factory, upgrade
from bot.settings import Settings
from conversations.clock import utcnow
from conversations.reminders.planning import plan
from knowledge.library import load_library


async def preview(settings: Settings, on: date | None, as_json: bool) -> int:
    """Print the reminders due on `on` (default today, local time)."""
    day = on or utcnow().astimezone(settings.zone).date()
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session:
            rows = await plan(session, load_library(), day)
    finally:
        await engine.dispose()
    items = [
        {
            "producer": row.producer.name,
            "phone": row.producer.phone,
            "product": row.product.name if row.product else None,
            "kind": row.kind,
            "due_date": row.due_on.isoformat(),
            "days_before": row.days_before,
            "channel": row.channel or "no channel",
        }
        for row in rows
    ]
    if as_json:
        print(json.dumps({"date": day.isoformat(), "reminders": items}, ensure_ascii=False))
        return 0
    print(f"Reminders for {day.isoformat()}: {len(items)}")
    for item in items:
        print(
            f"- {item['producer']} · {item['product'] or '—'} · {item['kind']} · "
            f"due {item['due_date']} ({item['days_before']} d) · {item['channel']}"
            + (f" · {item['phone']}" if item["channel"] == "no channel" and item["phone"] else "")
        )
    return 0
