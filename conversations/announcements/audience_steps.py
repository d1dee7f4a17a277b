"""The audience steps of the broadcast flow: the summary of who is chosen and one picker per filter.

Each picker toggles values (✓ marks the chosen ones) and returns to the audience summary with
"Done". Pickers are transient: "back" from the summary skips over them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel import col, func, select

from conversations.announcements.audience import COMPLETENESS, Audience
from conversations.flow import END, Go, Retry, Step
from conversations.i18n import N_
from conversations.messages import Choice, Reply
from conversations.officers.roles import is_officer
from conversations.quiz.tables import Course
from conversations.registration.tables import STAGE_LABELS, Producer
from conversations.turn import Answer, Turn, library
from knowledge.library import Library

DONE = "done"
MAX_OPTIONS = 12
COMPLETENESS_LABELS: dict[str, str] = {
    "not_started": N_("Dossier not started"),
    "in_progress": N_("Dossier in progress"),
    "complete": N_("Dossier complete"),
}
PICKERS: dict[str, str] = {
    "aud:communes": "pick_commune",
    "aud:groups": "pick_group",
    "aud:stages": "pick_stage",
    "aud:completeness": "pick_completeness",
    "aud:courses": "pick_course",
}
"""Audience choice value → the picker step it opens."""


def not_officer(turn: Turn) -> Go | None:
    """Leave the flow, saying why, unless the user is (still) an officer."""
    if is_officer(turn.user):
        return None
    return Go(END, (Reply(turn.t("Sorry, announcements are for OCOP officers only.")),))


def audience_of(turn: Turn) -> Audience:
    """The audience chosen so far in the form."""
    return Audience.from_json(turn.form.get("audience"))


def _store(turn: Turn, audience: Audience) -> None:
    turn.form["audience"] = audience.to_json()


async def describe(turn: Turn, audience: Audience) -> str:
    """The audience in one short paragraph ("Producers · commune: A, B · stage: rated")."""
    if audience.everyone:
        return turn.t("Everyone who uses the assistant")
    parts = [turn.t("Producers") if not audience.courses else turn.t("Trainees")]
    if audience.communes:
        parts.append(turn.t("commune: {names}", names=", ".join(audience.communes)))
    if audience.groups:
        lib = library(turn)
        names = [_group_name(turn, lib, g) for g in audience.groups]
        parts.append(turn.t("product group: {names}", names=", ".join(names)))
    if audience.stages:
        names = [turn.t(STAGE_LABELS[s]) for s in audience.stages]
        parts.append(turn.t("stage: {names}", names=", ".join(names)))
    if audience.completeness:
        names = [turn.t(COMPLETENESS_LABELS[c]) for c in audience.completeness]
        parts.append(", ".join(names))
    if audience.courses:
        rows = await turn.session.exec(select(Course).where(col(Course.id).in_(audience.courses)))
        parts.append(turn.t("course: {names}", names=", ".join(c.name for c in rows)))
    return " · ".join(parts)


def _group_name(turn: Turn, lib: Library, group_id: str) -> str:
    group = lib.products.group(group_id)
    return group.name.get(turn.t.locale, group.name["vi"]) if group else group_id


async def ask_audience(turn: Turn) -> list[Reply]:
    """Shows who is chosen and offers each way to narrow or widen it."""
    audience = audience_of(turn)
    text = (
        turn.t("👥 Who should receive it?")
        + "\n"
        + turn.t("Chosen: {who}", who=await describe(turn, audience))
    )
    choices = (
        Choice(turn.t("✅ Continue with this audience"), "aud:next"),
        Choice(turn.t("All producers"), "aud:producers"),
        Choice(turn.t("Everyone"), "aud:everyone"),
        Choice(turn.t("By commune"), "aud:communes"),
        Choice(turn.t("By product group"), "aud:groups"),
        Choice(turn.t("By stage"), "aud:stages"),
        Choice(turn.t("By dossier completeness"), "aud:completeness"),
        Choice(turn.t("Trainees of a course"), "aud:courses"),
    )
    return [Reply(text, choices=choices)]


async def on_audience(turn: Turn, answer: Answer) -> Go | Retry:
    """Resets the audience, opens a picker, or goes on to the counts."""
    if stop := not_officer(turn):
        return stop
    if answer.choice == "aud:next":
        return Go("counts")
    if answer.choice == "aud:producers":
        _store(turn, Audience())
        return Go("audience")
    if answer.choice == "aud:everyone":
        _store(turn, Audience(everyone=True))
        return Go("audience")
    if answer.choice in PICKERS:
        return Go(PICKERS[answer.choice])
    return Retry(turn.t("Please choose one of the options (type its number)."))


Options = Callable[[Turn], Awaitable[list[tuple[str, str]]]]
"""(value, label) of each option of a picker, in the user's language."""


async def _commune_options(turn: Turn) -> list[tuple[str, str]]:
    query = (
        select(Producer.commune, func.count())
        .where(col(Producer.erased_at).is_(None), Producer.commune != "")
        .group_by(col(Producer.commune))
        .order_by(func.count().desc(), col(Producer.commune))
        .limit(MAX_OPTIONS)
    )
    return [(name, f"{name} ({turn.t.number(n)})") for name, n in await turn.session.exec(query)]


async def _group_options(turn: Turn) -> list[tuple[str, str]]:
    lib = library(turn)
    return [(g.id, _group_name(turn, lib, g.id)) for g in lib.products.groups]


async def _stage_options(turn: Turn) -> list[tuple[str, str]]:
    return [(value, turn.t(label)) for value, label in STAGE_LABELS.items()]


async def _completeness_options(turn: Turn) -> list[tuple[str, str]]:
    return [(value, turn.t(COMPLETENESS_LABELS[value])) for value in COMPLETENESS]


async def _course_options(turn: Turn) -> list[tuple[str, str]]:
    query = select(Course).order_by(col(Course.id).desc()).limit(MAX_OPTIONS)
    return [(str(c.id), f"{c.name} ({c.code})") for c in await turn.session.exec(query)]


PICKER_OPTIONS: dict[str, tuple[str, Options, str]] = {
    "pick_commune": ("communes", _commune_options, N_("Which communes? Tap to add or remove.")),
    "pick_group": ("groups", _group_options, N_("Which product groups? Tap to add or remove.")),
    "pick_stage": ("stages", _stage_options, N_("Which stages? Tap to add or remove.")),
    "pick_completeness": (
        "completeness",
        _completeness_options,
        N_("Which dossiers? Tap to add or remove."),
    ),
    "pick_course": ("courses", _course_options, N_("Trainees of which courses?")),
}


def picker(step: str) -> Step:
    """The picker step `step` (transient: "back" passes over it)."""
    kind, options, question = PICKER_OPTIONS[step]

    async def ask(turn: Turn) -> list[Reply]:
        """Offers the values of one filter, the chosen ones marked ✓."""
        chosen = {str(v) for v in getattr(audience_of(turn), kind)}
        found = await options(turn)
        if not found:
            text = turn.t("There is nothing to choose from yet.")
            return [Reply(text, choices=(Choice(turn.t("⬅️ Back"), DONE),))]
        choices = [
            Choice(("✓ " if value in chosen else "") + label, f"opt:{value}")
            for value, label in found
        ]
        choices.insert(0, Choice(turn.t("✅ Done"), DONE))
        return [Reply(turn.t(question), choices=tuple(choices))]

    async def accept(turn: Turn, answer: Answer) -> Go | Retry:
        """Toggles the chosen value, or returns to the audience summary."""
        if stop := not_officer(turn):
            return stop
        if answer.choice == DONE:
            return Go("audience")
        if not answer.choice or not answer.choice.startswith("opt:"):
            return Retry(turn.t("Please choose one of the options (type its number)."))
        raw = answer.choice[4:]
        value: str | int = int(raw) if kind == "courses" and raw.isdigit() else raw
        _store(turn, audience_of(turn).toggle(kind, value))
        return Go(step)

    return Step(step, ask, accept, transient=True)
