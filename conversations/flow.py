"""Machinery for step-by-step forms: steps ask, validate and store; a table says where each goes.

A flow is a set of `Step`s plus a transition table `{step: (default_next, *other_targets)}`.
The first target is where "skip" leads for an optional step. `END` closes the flow.
The driver keeps a history stack for "back", and a `return_to` mark so that editing one field
from a summary comes back to the summary.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from conversations.messages import Reply
from conversations.models import IDLE
from conversations.turn import Answer, Turn

END = "end"


@dataclass(frozen=True, slots=True)
class Go:
    """Move to step `to` (or `END`), saying `say` first."""

    to: str
    say: tuple[Reply, ...] = ()
    return_to: str | None = None
    """Editing one field from a summary: after `to`, come back to this step instead."""
    keep_going: bool = False
    """`to` completes this answer (a follow-up question), so go there even while editing."""


@dataclass(frozen=True, slots=True)
class Retry:
    """Stay on the step: the input was not usable; `say` explains why. Nothing is stored."""

    say: str


Ask = Callable[[Turn], Awaitable[list[Reply]]]
Accept = Callable[[Turn, Answer], Awaitable[Go | Retry]]


@dataclass(frozen=True, slots=True)
class Step:
    """One question of a flow."""

    name: str
    ask: Ask
    accept: Accept
    optional: bool = False
    field: str | None = None
    """The form field this step fills; "skip" clears it."""
    transient: bool = False
    """A follow-up question (e.g. picking among suggestions) that "back" passes over."""
    prose: bool = False
    """Takes free prose (an announcement's text): never read as a question or a phrase."""


@dataclass(frozen=True)
class Flow:
    """A named flow: its steps and its transition table."""

    name: str
    steps: tuple[Step, ...]
    transitions: Mapping[str, tuple[str, ...]]
    on_cancel: Callable[[Turn], Awaitable[str | None]] | None = None
    """Runs on "hủy" inside the flow; returns what to say instead of "nothing was saved"."""
    _by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {s.name: s for s in self.steps}
        object.__setattr__(self, "_by_name", by_name)
        if set(self.transitions) != set(by_name):
            raise ValueError(f"{self.name}: transition table and steps differ")
        for source, targets in self.transitions.items():
            if not targets:
                raise ValueError(f"{self.name}:{source} has no way out")
            for target in targets:
                if target != END and target not in by_name:
                    raise ValueError(f"{self.name}:{source} → unknown step {target}")

    @property
    def start(self) -> str:
        """The first step."""
        return self.steps[0].name

    def state(self, step: str) -> str:
        """The stable state string stored for `step`: "registration:phone"."""
        return f"{self.name}:{step}"

    def step(self, name: str) -> Step:
        """The step called `name`."""
        return self._by_name[name]

    def has(self, name: str) -> bool:
        """True when `name` is one of this flow's steps."""
        return name in self._by_name

    def mermaid(self) -> str:
        """The transition table as a Mermaid state diagram."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.start}"]
        for source, targets in self.transitions.items():
            for target in dict.fromkeys(targets):
                lines.append(f"    {source} --> {'[*]' if target == END else target}")
        return "\n".join(lines) + "\n"


def _history(turn: Turn) -> list[str]:
    return turn.conv.data.setdefault("history", [])


async def enter(
    flow: Flow, turn: Turn, *, form: dict[str, object] | None = None, step: str | None = None
) -> list[Reply]:
    """Start `flow` with a fresh form at its first step (or `step`), and ask the question."""
    turn.conv.data["form"] = dict(form or {})
    turn.conv.data["history"] = []
    turn.conv.data.pop("return_to", None)
    return await goto(flow, turn, step or flow.start)


async def goto(flow: Flow, turn: Turn, step: str) -> list[Reply]:
    """Make `step` current and ask its question."""
    turn.conv.state = flow.state(step)
    return await flow.step(step).ask(turn)


def reopen(turn: Turn, choice: str | None, fields: tuple[str, ...]) -> Go | Retry:
    """A summary's "field:<step>" choice: that step's question, then the summary again."""
    field = (choice or "").removeprefix("field:")
    if field not in fields:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    return Go(field, return_to="summary")


def leave(turn: Turn) -> None:
    """Close the active flow: back to idle, form and history dropped."""
    turn.conv.state = IDLE
    for key in ("form", "history", "return_to"):
        turn.conv.data.pop(key, None)


async def advance(flow: Flow, turn: Turn, current: str, answer: Answer) -> list[Reply] | str:
    """Give `answer` to the current step; returns the replies, or an error text to show."""
    outcome = await flow.step(current).accept(turn, answer)
    if isinstance(outcome, Retry):
        return outcome.say
    return await _follow(flow, turn, current, outcome)


async def _follow(flow: Flow, turn: Turn, current: str, outcome: Go) -> list[Reply]:
    replies = list(outcome.say)
    target = outcome.to
    if outcome.return_to:
        turn.conv.data["return_to"] = outcome.return_to
    return_to = turn.conv.data.get("return_to")
    editing = return_to and not outcome.return_to and not outcome.keep_going
    if editing and target not in (END, return_to) and current != return_to:
        target = return_to  # an edited field goes back to the summary
    if target not in flow.transitions[current] and target != return_to:
        raise RuntimeError(f"{flow.name}:{current} may not go to {target}")
    if target == return_to:
        turn.conv.data.pop("return_to", None)
    if target == END:
        leave(turn)
        return replies
    if not flow.step(current).transient:
        _history(turn).append(current)
    return replies + await goto(flow, turn, target)


async def back(flow: Flow, turn: Turn) -> list[Reply] | None:
    """Return to the previous step; None when already at the first."""
    history = _history(turn)
    if not history:
        return None
    previous = history.pop()
    if turn.conv.data.get("return_to") == previous:
        turn.conv.data.pop("return_to", None)
    return await goto(flow, turn, previous)


async def skip(flow: Flow, turn: Turn, current: str) -> list[Reply] | None:
    """Skip an optional step to its default next; None when the step is required.

    Optional steps are follow-up questions (decision number → date → validity), so skipping one
    while editing from a summary goes on with the next question, as answering it would.
    """
    step = flow.step(current)
    if not step.optional:
        return None
    if step.field:
        turn.form.pop(step.field, None)
    return await _follow(flow, turn, current, Go(flow.transitions[current][0], keep_going=True))
