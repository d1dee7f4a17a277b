"""Answering free text from the FAQ in the chat: a sourced answer, close questions, or an
offer to ask an officer; feedback on answers; small talk politely."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from conversations.faq_models import Escalation, FaqFeedback
from conversations.flows.menu import menu_choices
from conversations.messages import Choice, Reply
from conversations.turn import Turn

RELATED_SHOWN = 2


def _index(turn: Turn) -> Any:
    return turn.services.faq


def _sourced(turn: Turn, entry: Any, lang: str) -> str:
    lines = [entry.answer[lang]]
    if entry.hedge:
        lines.append("⚠️ " + entry.hedge[lang])
    lines.append(
        turn.t("📖 Source: {source} · rule: {rule}", source=entry.source, rule=entry.rule_version)
    )
    return "\n\n".join(lines)


def answer_reply(turn: Turn, entry: Any, *, intro: str = "") -> Reply:
    """An entry's answer with its source and rule version, feedback and related questions."""
    lang = turn.t.locale
    text = _sourced(turn, entry, lang)
    if intro:
        text = f"{intro}\n\n{text}"
    text += "\n\n" + turn.t("Was this helpful?")
    choices = [
        Choice(turn.t("👍 Helpful"), f"faq:up:{entry.id}"),
        Choice(turn.t("👎 Not what I asked"), f"faq:down:{entry.id}"),
    ]
    if entry.more:
        choices.append(Choice(turn.t("📖 Read more"), f"faq:more:{entry.id}"))
    index = _index(turn)
    for other in index.related(entry, RELATED_SHOWN) if index else ():
        choices.append(Choice("❓ " + other.question[lang], f"faq:show:{other.id}"))
    choices.append(Choice(turn.t("🏠 Main menu"), "menu:home"))
    return Reply(text, choices=tuple(choices))


def _escalate_offer(turn: Turn, text: str) -> Reply:
    choices = (
        Choice(turn.t("📨 Send it to an officer"), "faq:escalate"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return Reply(text, choices=choices)


async def answer_text(turn: Turn, text: str) -> list[Reply]:
    """Answer free text: an FAQ entry when confident, close questions when not, else an offer."""
    index = _index(turn)
    lang = turn.t.locale
    if index is None:
        return [_escalate_offer(turn, turn.t("I can't search the training material right now."))]
    result = index.ask(text, lang)
    turn.conv.data["faq_last"] = {
        "text": text[:4000],
        "lang": lang,
        "score": result.score,
        "entry": result.suggestions[0].id if result.suggestions else None,
    }
    if result.kind == "answer" and result.entry is not None:
        return [answer_reply(turn, result.entry)]
    if result.kind in ("greeting", "thanks", "out_of_scope") and result.reply:
        return [Reply(result.reply[lang], choices=menu_choices(turn))]
    if result.kind == "suggest" and result.suggestions:
        choices = [Choice("❓ " + e.question[lang], f"faq:show:{e.id}") for e in result.suggestions]
        choices.append(Choice(turn.t("📨 None of these: ask an officer"), "faq:escalate"))
        return [Reply(turn.t("I am not sure I understood. Did you mean:"), choices=tuple(choices))]
    if result.kind == "empty":
        return [
            Reply(
                turn.t("Please type your question in words, e.g. “hồ sơ OCOP gồm những gì?”."),
                choices=menu_choices(turn),
            )
        ]
    return [
        _escalate_offer(
            turn,
            turn.t(
                "I don't have a reliable answer to that, and I would rather not guess. "
                "Shall I pass your question to an OCOP officer? The answer will come back here."
            ),
        )
    ]


async def on_faq(turn: Turn, value: str) -> list[Reply]:
    """Handles the FAQ buttons: show an entry, read more, feedback, ask an officer."""
    _, action, entry_id = [*value.split(":", 2), "", ""][:3]
    index = _index(turn)
    entry = index.get(entry_id) if index and entry_id else None
    lang = turn.t.locale
    if action == "show" and entry is not None:
        return [answer_reply(turn, entry)]
    if action == "more" and entry is not None and entry.more:
        return [Reply(entry.more[lang], choices=(Choice(turn.t("🏠 Main menu"), "menu:home"),))]
    if action in ("up", "down") and entry is not None:
        last = turn.conv.data.get("faq_last") or {}
        turn.session.add(
            FaqFeedback(
                user_id=turn.user.id,
                entry_id=entry.id,
                helpful=action == "up",
                question=str(last.get("text", ""))[:400],
                created_at=turn.now,
            )
        )
        if action == "up":
            return [Reply(turn.t("Thank you! 🙏"), choices=menu_choices(turn))]
        return [
            _escalate_offer(
                turn,
                turn.t("Thank you for telling me. Shall I pass your question to an OCOP officer?"),
            )
        ]
    if action == "escalate":
        return await escalate(turn)
    return [Reply(turn.t("Sorry, I did not understand that choice."), choices=menu_choices(turn))]


async def escalate(turn: Turn) -> list[Reply]:
    """Store the last question for the officers' inbox (once)."""
    last = turn.conv.data.get("faq_last") or {}
    question = str(last.get("text", "")).strip()
    if not question:
        return [Reply(turn.t("Please type your question first, then I can pass it on."))]
    query = select(Escalation).where(
        Escalation.user_id == turn.user.id, Escalation.question == question
    )
    if (await turn.session.exec(query)).first() is None:
        turn.session.add(
            Escalation(
                user_id=turn.user.id,
                question=question,
                lang=str(last.get("lang", "vi")),
                score=float(last.get("score") or 0.0),
                closest_entry=last.get("entry"),
                created_at=turn.now,
            )
        )
    return [
        Reply(
            turn.t("Sent to the OCOP officers. When they answer, I will write to you here."),
            choices=menu_choices(turn),
        )
    ]
