"""Who an announcement goes to: the audience an officer picks, its recipients and their counts.

Filters combine with AND across kinds and OR within one kind ("commune A or B, and rated").
With no filter the audience is every producer; "everyone" is every user who ever chatted (but
officers) plus every producer (imported ones without a chat count as unreachable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations.i18n import N_
from conversations.models import User
from conversations.officers.roles import OFFICER
from conversations.outbox import WINDOW_CLOSED, ReminderOptOut, undeliverable
from conversations.quiz.tables import CourseMember
from conversations.registration import dossier_store
from conversations.registration.tables import STAGES, DossierItem, Producer, Product
from knowledge.library import Library

OPT_OUT_KIND = "announcement"
"""`ReminderOptOut.kind` of a user who said "dừng thông báo"."""
COMPLETENESS = ("not_started", "in_progress", "complete")
CHANNEL_LABELS: dict[str, str] = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "web": N_("Web chat"),
    "terminal": N_("Terminal"),
    "none": N_("No chat channel"),
}
"""What each channel (and "none": never chatted) is called in counts and on officers' pages."""
Outcome = Literal["send", "opted_out", "unreachable", "window_closed"]


@dataclass(frozen=True, slots=True)
class Audience:
    """An officer's choice of recipients."""

    everyone: bool = False
    communes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    completeness: tuple[str, ...] = ()
    courses: tuple[int, ...] = ()

    @property
    def producer_filtered(self) -> bool:
        """True when any filter on producers (commune, group, stage, completeness) is set."""
        return bool(self.communes or self.groups or self.stages or self.completeness)

    def to_json(self) -> dict[str, Any]:
        """A plain dict for storage in a form or a JSON column."""
        return {
            "everyone": self.everyone,
            "communes": list(self.communes),
            "groups": list(self.groups),
            "stages": list(self.stages),
            "completeness": list(self.completeness),
            "courses": list(self.courses),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> Audience:
        """The audience stored by `to_json`; unknown values are dropped."""
        raw = raw or {}

        def strings(key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
            values = [str(v)[:120] for v in raw.get(key) or [] if isinstance(v, str | int)]
            if allowed is not None:
                values = [v for v in values if v in allowed]
            return tuple(dict.fromkeys(values))

        courses = tuple(dict.fromkeys(int(v) for v in raw.get("courses") or [] if _int(v)))
        return cls(
            everyone=bool(raw.get("everyone")),
            communes=strings("communes"),
            groups=strings("groups"),
            stages=strings("stages", STAGES),
            completeness=strings("completeness", COMPLETENESS),
            courses=courses,
        )

    def toggle(self, kind: str, value: str | int) -> Audience:
        """This audience with `value` added to (or removed from) filter `kind`."""
        current: tuple[Any, ...] = getattr(self, kind)
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        return replace(self, everyone=False, **{kind: values})


def _int(value: object) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


@dataclass(frozen=True, slots=True)
class Recipient:
    """One person an announcement is for."""

    user: User | None
    producer_id: int | None

    @property
    def key(self) -> str:
        """The recipient's part of the outbox dedupe key."""
        return f"u{self.user.id}" if self.user is not None else f"p{self.producer_id}"


@dataclass(slots=True)
class Counts:
    """How many recipients, per channel, will get the message and why the others will not."""

    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, channel: str, outcome: Outcome) -> None:
        """Count one recipient on `channel` with `outcome`."""
        row = self.by_channel.setdefault(channel, dict.fromkeys(_OUTCOMES, 0))
        row[outcome] += 1

    def total(self, outcome: Outcome | None = None) -> int:
        """All recipients, or those with `outcome`."""
        return sum(
            sum(row.values()) if outcome is None else row[outcome]
            for row in self.by_channel.values()
        )


_OUTCOMES: tuple[Outcome, ...] = ("send", "opted_out", "unreachable", "window_closed")


def completeness_of(library: Library, products: list[Product], done: dict[int, set[str]]) -> str:
    """ "complete" when every product's required items are done, "not_started" when none is."""
    required = done_count = 0
    complete = bool(products)
    for product in products:
        items = library.checklist.items_for(
            product.evaluation_type or "first", product.group_id, product.set_id
        )
        ids = {i.id for i in items if i.kind == "required"}
        have = ids & done.get(product.id or 0, set())
        required += len(ids)
        done_count += len(have)
        complete = complete and have == ids
    if complete and required:
        return "complete"
    return "in_progress" if done_count else "not_started"


async def _producers(
    session: AsyncSession, library: Library | None, audience: Audience
) -> list[tuple[Producer, User | None]]:
    query = (
        select(Producer, User)
        .outerjoin(User, User.id == Producer.user_id)  # type: ignore[arg-type]
        .where(col(Producer.erased_at).is_(None))
        .order_by(col(Producer.id))
    )
    if audience.communes:
        query = query.where(col(Producer.commune).in_(audience.communes))
    rows = list(await session.exec(query))
    if not (audience.groups or audience.stages or audience.completeness):
        return rows
    ids = [p.id for p, _ in rows]
    products: dict[int, list[Product]] = {}
    for product in await session.exec(select(Product).where(col(Product.producer_id).in_(ids))):
        products.setdefault(product.producer_id, []).append(product)
    done: dict[int, set[str]] = {}
    if audience.completeness:
        product_ids = [p.id for ps in products.values() for p in ps]
        items = await session.exec(
            select(DossierItem.product_id, DossierItem.item_id).where(
                col(DossierItem.product_id).in_(product_ids),
                col(DossierItem.status).in_(list(dossier_store.DONE)),
            )
        )
        for product_id, item_id in items:
            done.setdefault(product_id, set()).add(item_id)
    kept = []
    for producer, user in rows:
        mine = products.get(producer.id or 0, [])
        if audience.groups and not any(p.group_id in audience.groups for p in mine):
            continue
        if audience.stages and not any(p.stage in audience.stages for p in mine):
            continue
        if audience.completeness and (
            library is None or completeness_of(library, mine, done) not in audience.completeness
        ):
            continue
        kept.append((producer, user))
    return kept


async def recipients(
    session: AsyncSession, library: Library | None, audience: Audience
) -> list[Recipient]:
    """Everyone `audience` names, each person once, in a stable order."""
    found: dict[str, Recipient] = {}
    if audience.everyone:
        query = select(User).where(User.role != OFFICER).order_by(col(User.id))
        for user in await session.exec(query):  # officers (dashboard accounts too) are senders
            found[f"u{user.id}"] = Recipient(user, None)
        for producer, user in await _producers(session, library, Audience()):
            recipient = Recipient(user, producer.id)
            found.setdefault(recipient.key, recipient)
        return list(found.values())
    members: set[int] | None = None
    if audience.courses:
        query = select(CourseMember.user_id).where(
            col(CourseMember.course_id).in_(audience.courses)
        )
        members = set((await session.exec(query)).all())
        if not audience.producer_filtered:
            query_users = select(User).where(col(User.id).in_(members)).order_by(col(User.id))
            return [Recipient(user, None) for user in await session.exec(query_users)]
    for producer, user in await _producers(session, library, audience):
        if members is not None and (user is None or user.id not in members):
            continue
        recipient = Recipient(user, producer.id)
        found.setdefault(recipient.key, recipient)
    return list(found.values())


async def opted_out(session: AsyncSession) -> set[int]:
    """Ids of users who stopped announcements."""
    query = select(ReminderOptOut.user_id).where(ReminderOptOut.kind == OPT_OUT_KIND)
    return set((await session.exec(query)).all())


def outcome(
    recipient: Recipient,
    stopped: set[int],
    channels: Mapping[str, timedelta | None] | None,
    now: datetime,
) -> tuple[str, Outcome]:
    """(channel, what will happen) for one recipient.

    `channels` maps each channel the running process can send on to its reply window (None:
    no window); None means every channel counts as available (a count made outside `run`).
    """
    user = recipient.user
    if user is None:
        return "none", "unreachable"
    if user.id in stopped:
        return user.channel, "opted_out"
    reason = undeliverable(user, channels, now)
    if reason is None:
        return user.channel, "send"
    return user.channel, "window_closed" if reason == WINDOW_CLOSED else "unreachable"


async def count(
    session: AsyncSession,
    library: Library | None,
    audience: Audience,
    channels: Mapping[str, timedelta | None] | None,
    now: datetime,
) -> Counts:
    """The recipients of `audience` counted per channel and outcome."""
    stopped = await opted_out(session)
    counts = Counts()
    for recipient in await recipients(session, library, audience):
        counts.add(*outcome(recipient, stopped, channels, now))
    return counts
