"""Where one message goes: global words, the active flow's step, a chosen option, or the FAQ."""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from conversations import choices as matcher
from conversations import flow as base
from conversations.flow import Flow
from conversations.menu import menu_reply
from conversations.messages import MAX_TEXT, Choice, Reply
from conversations.models import IDLE
from conversations.turn import Answer, Turn
from conversations.words import global_command, looks_like_question, phrase_key

log = logging.getLogger(__name__)

ActionHandler = Callable[[Turn, str], Awaitable[list[Reply]]]
TextHandler = Callable[[Turn, str], Awaitable[list[Reply]]]
QuestionHandler = Callable[[Turn, str], Awaitable[list[Reply] | None]]

INTERLUDES = frozenset({"language"})
"""Flows that pause the active flow and resume it when they end."""


class Router:
    """Routes a `Turn` to the code that answers it; built once with every flow and handler."""

    def __init__(
        self,
        flows: Mapping[str, Flow],
        actions: Mapping[str, ActionHandler],
        free_text: TextHandler,
        open_prefixes: frozenset[str] = frozenset(),
        late_prefixes: frozenset[str] = frozenset(),
        phrases: Mapping[str, str] | None = None,
        question: QuestionHandler | None = None,
    ) -> None:
        self.flows = dict(flows)
        self.actions = dict(actions)
        self.free_text = free_text
        self.open_prefixes = open_prefixes
        """Action prefixes accepted from any earlier message (e.g. a reminder's buttons); their
        handlers check that the thing acted on belongs to the user."""
        self.late_prefixes = late_prefixes
        """Action prefixes whose handler also answers a button no longer on offer (a quiz answer
        to a question already done) instead of the generic stale-button reply."""
        self.phrases = dict(phrases or {})
        """Typed phrases (folded) that act like a choice in every state, also inside a step
        ("dừng thông báo", "còn thiếu gì", "lịch"); the step's question comes back after."""
        self.question = question
        """Answers a question typed inside a step from the FAQ, or None when it is not one."""

    async def route(self, turn: Turn) -> list[Reply]:
        """Answer one message; the turn's conversation is updated in place."""
        incoming = turn.incoming
        if incoming.unsupported:
            return [self._again(turn, turn.t("Sorry, I can't read this kind of message yet."))]
        text = (incoming.text or "").strip()
        if len(text) > MAX_TEXT:
            return [
                self._again(
                    turn,
                    turn.t(
                        "That message is too long for me (over {n} characters). "
                        "Please send a shorter one.",
                        n=turn.t.number(MAX_TEXT),
                    ),
                )
            ]
        if not (text or incoming.action or incoming.contact or incoming.attachment):
            return [self._again(turn, turn.t("I received an empty message. Please type again."))]

        # A choice on offer wins over a global word with the same label ("Bỏ qua" as a button).
        typed = bool(text) and not incoming.action
        choice = matcher.strict(text, turn.conv.choices) if typed else None
        command = global_command(text) if typed and choice is None else None
        if incoming.action and incoming.action.startswith("g:"):
            command = incoming.action[2:]
        if command:
            return await self._global(turn, command)

        flow, step = self._active(turn)
        prose = bool(flow and step and flow.step(step).prose)
        if typed and choice is None and flow is not None and not prose:
            phrase = self.phrases.get(phrase_key(text))
            if phrase is not None:
                return await self._aside(turn, phrase)
            found = matcher.loose(text, turn.conv.choices)
            if found.ambiguous:
                return [self._which(turn, found.ambiguous)]
            choice = found.value

        if incoming.action and incoming.action.split(":", 1)[0] in self.open_prefixes:
            return await self._aside(turn, incoming.action)
        if incoming.action is not None:
            choice = self._offered(turn, incoming.action)
            if choice is None and incoming.action.split(":", 1)[0] in self.late_prefixes:
                return await self._action(turn, incoming.action)
            if choice is None:
                lead = turn.t(
                    "That button belongs to an older message, so I ignored it. "
                    "Here is where we are now:"
                )
                return await self._current(turn, lead)

        if flow and step:
            asked = typed and choice is None and not prose
            if asked and looks_like_question(text):
                answered = await self._question(turn, text)
                if answered:
                    return answered
            answer = Answer(text, choice, incoming.contact, incoming.attachment)
            result = await base.advance(flow, turn, step, answer)
            if isinstance(result, str):
                answered = await self._question(turn, text) if asked else None
                return answered or [self._again(turn, result)]
            return await self._after(turn, flow, result)
        if choice is not None:
            return await self._action(turn, choice)
        if incoming.contact or incoming.attachment:
            return [
                menu_reply(
                    turn,
                    lead=turn.t(
                        "Thank you. I only need files or contacts during a step that asks for them."
                    ),
                )
            ]
        return await self.free_text(turn, text)

    async def _question(self, turn: Turn, text: str) -> list[Reply] | None:
        """A question typed inside a step: the FAQ's answer, then the same step again."""
        if self.question is None:
            return None
        answered = await self.question(turn, text)
        if not answered:
            return None
        return answered + await self._current(turn, turn.t("Back to the step:"))

    async def _aside(self, turn: Turn, action: str) -> list[Reply]:
        """A choice taken outside the step (a phrase, a reminder's button); the step comes back
        after it when the user is still in it."""
        before = turn.conv.state
        replies = await self._action(turn, action)
        if turn.conv.state == before and self._active(turn)[0] is not None:
            replies += await self._current(turn, turn.t("Back to the step:"))
        return replies

    async def _current(self, turn: Turn, lead: str) -> list[Reply]:
        """`lead`, then the current step's question with its choices (or the choices on offer).

        Asking again changes nothing: whatever the step's `ask` keeps in the form (a page of a
        list, a suggestion) is put back as it was."""
        flow, step = self._active(turn)
        if flow is None or step is None:
            return [self._again(turn, lead)]
        kept = copy.deepcopy(turn.conv.data)
        asked = await flow.step(step).ask(turn)
        turn.conv.data = kept
        if not asked:
            return [self._again(turn, lead)]
        first = asked[0]
        return [replace(first, text=f"{lead}\n{first.text}"), *asked[1:]]

    def _which(self, turn: Turn, indexes: tuple[int, ...]) -> Reply:
        """Two or more options are equally close to what was typed: ask which one."""
        offered = turn.conv.choices
        close = tuple(Choice(offered[i][0], offered[i][1]) for i in indexes)
        return Reply(turn.t("Which one do you mean?"), choices=close)

    def _offered(self, turn: Turn, action: str) -> str | None:
        values = {value for _, value in turn.conv.choices}
        return action if action in values else None

    def _active(self, turn: Turn) -> tuple[Flow | None, str | None]:
        name, _, step = turn.conv.state.partition(":")
        flow = self.flows.get(name)
        if flow is None or not flow.has(step):
            if turn.conv.state != IDLE:
                log.warning("unknown state %r; back to idle", turn.conv.state)
                base.leave(turn)
            return None, None
        return flow, step

    def _again(self, turn: Turn, text: str) -> Reply:
        """`text`, with the choices currently on offer repeated so a button is at hand."""
        return Reply(
            text,
            choices=tuple(Choice(label, value) for label, value in turn.conv.choices),
            request_contact=str(turn.conv.data.get("contact_label", "")),
        )

    async def start(
        self,
        turn: Turn,
        name: str,
        form: dict[str, object] | None = None,
        step: str | None = None,
    ) -> list[Reply]:
        """Start flow `name` (at `step`), resuming it instead if the user paused it earlier."""
        flow = self.flows[name]
        active, _ = self._active(turn)
        turn.conv.data.pop("resume", None)
        if name in INTERLUDES and active is not None and active.name not in INTERLUDES:
            turn.conv.data["resume"] = active.name  # back there after the interlude, not elsewhere
        self.pause(turn)
        paused = turn.conv.data.get("paused", {}).pop(name, None)
        if paused and form is None and step is None:
            turn.conv.data["form"] = paused["form"]
            turn.conv.data["history"] = paused["history"]
            lead = Reply(turn.t("Welcome back! Let's continue where you left off."))
            return [lead, *await base.goto(flow, turn, paused["step"])]
        return await base.enter(flow, turn, form=form, step=step)

    def pause(self, turn: Turn) -> None:
        """Put the active flow aside, keeping what the user typed, and go idle."""
        flow, step = self._active(turn)
        if flow and step and flow.name not in INTERLUDES:
            turn.conv.data.setdefault("paused", {})[flow.name] = {
                "step": step,
                "form": turn.conv.data.get("form", {}),
                "history": turn.conv.data.get("history", []),
            }
        base.leave(turn)

    async def _after(self, turn: Turn, flow: Flow, replies: list[Reply]) -> list[Reply]:
        """After a step: an ended interlude resumes the paused flow; an ended flow, the menu."""
        if turn.conv.state != IDLE:
            return replies
        if flow.name in INTERLUDES:
            # Only the flow the interlude interrupted resumes; one left earlier through the
            # menu waits until the user opens it again.
            name = turn.conv.data.pop("resume", None)
            if name in turn.conv.data.get("paused", {}):
                return replies + await self.start(turn, name)
        if not any(r.choices for r in replies):
            replies.append(menu_reply(turn))
        return replies

    async def _action(self, turn: Turn, value: str) -> list[Reply]:
        prefix = value.split(":", 1)[0]
        handler = self.actions.get(prefix)
        if handler is None:
            return [self._again(turn, turn.t("Sorry, I did not understand that choice."))]
        return await handler(turn, value)

    async def _global(self, turn: Turn, command: str) -> list[Reply]:
        flow, step = self._active(turn)
        if command == "menu":
            self.pause(turn)
            return [menu_reply(turn, greeting=True)]
        if command == "cancel":
            if flow is None:
                return [menu_reply(turn, lead=turn.t("There is nothing to cancel."))]
            said = await flow.on_cancel(turn) if flow.on_cancel else None
            base.leave(turn)
            turn.conv.data.get("paused", {}).pop(flow.name, None)
            lead = said or turn.t("Cancelled. Nothing from that step was saved.")
            return [menu_reply(turn, lead=lead)]
        if command == "back":
            if flow is None:
                return [menu_reply(turn)]
            replies = await base.back(flow, turn)
            if replies is None:
                return [
                    self._again(
                        turn,
                        turn.t(
                            "This is the first step. Type “hủy” to stop, or answer the question."
                        ),
                    )
                ]
            return replies
        if command == "skip":
            if flow is None or step is None:
                return [menu_reply(turn)]
            replies = await base.skip(flow, turn, step)
            if replies is None:
                return [
                    self._again(turn, turn.t("This question is needed, so it can't be skipped."))
                ]
            return replies
        if command == "language":
            return await self.start(turn, "language")
        hint = turn.t("We are in the middle of a step; answer it to continue.") if flow else ""
        text = turn.t.render("help.j2", step_hint=hint)
        if flow:
            return [self._again(turn, text)]
        return [menu_reply(turn, lead=text)]
