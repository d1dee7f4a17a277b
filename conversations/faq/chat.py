"""Answering free text from the FAQ in the chat: a sourced answer, close questions, or an
offer to ask an officer; feedback on answers; small talk politely."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlmodel import col, func, select

from conversations.faq.tables import Escalation, FaqFeedback
from conversations.i18n import Texts
from conversations.menu import menu_choices
from conversations.messages import Choice, Reply
from conversations.officers.inbox import REPLY_WORKING_DAYS
from conversations.parsing import is_filler
from conversations.turn import Turn
from conversations.words import looks_like_words
from knowledge.rules import Rules

RELATED_SHOWN = 2
MAX_WAITING = 3
"""Unanswered questions one person may have in the officers' inbox (per `ESCALATION_WINDOW`)."""
ESCALATION_WINDOW = timedelta(days=1)
PASSAGE_SUGGESTIONS = 2  # close FAQ questions offered beside a passage (Zalo shows 5 buttons)


def _index(turn: Turn) -> Any:
    return turn.services.faq


def _ask(index: Any, text: str, lang: str) -> Any:
    """The search in the user's language; an English user who types Vietnamese (as many do)
    is searched in Vietnamese too, and answered in English."""
    result = index.ask(text, lang)
    if result.kind != "answer" and lang != "vi":
        other = index.ask(text, "vi")
        if other.kind == "answer":
            return other
    return result


def rule_line(t: Texts, entry: Any, rules: Rules | None, lang: str) -> str:
    """The rule an answer rests on, and the regime that is current (named by an officer);
    empty for answers about the assistant or general practice (never a bare code)."""
    regime = rules.regime(entry.rule_version) if rules else None
    current = rules.current_regime if rules else None
    rule = regime.name[lang] if regime else (entry.rule_label(lang) or "")
    if not rule or current is None:
        return rule
    if regime is not None and regime.id == current.id:
        return t("{rule} (current)", rule=rule)
    return t("{rule} · current rules: {current}", rule=rule, current=current.name[lang])


def sourced_text(t: Texts, entry: Any, rules: Rules | None, lang: str) -> str:
    """An entry's answer, its hedge and its source line, as the chat shows them."""
    lines = [entry.answer[lang]]
    if entry.hedge:
        lines.append("⚠️ " + entry.hedge[lang])
    rule = rule_line(t, entry, rules, lang)
    current = rules.current_regime if rules else None
    if rule:
        lines.append(t("📖 Source: {source} · rule: {rule}", source=entry.source, rule=rule))
    elif current is not None:  # an answer that rests on no rule still names the rules in force
        lines.append(t("📖 Source: {source} · current rules: {current}", source=entry.source,
                       current=current.name[lang]))
    else:
        lines.append(t("📖 Source: {source}", source=entry.source))
    return "\n\n".join(lines)


def answer_message(
    t: Texts,
    entry: Any,
    index: Any,
    rules: Rules | None,
    intro: str = "",
    alternative: Any = None,
) -> Reply:
    """The reply to a question answered by `entry`: text, feedback and related questions.

    With an `alternative` (the search's runner-up when it was unsure), the answer ends with
    "Or did you mean: …" and the alternative is the first question button.
    """
    lang = t.locale
    text = sourced_text(t, entry, rules, lang)
    if intro:
        text = f"{intro}\n\n{text}"
    if alternative is not None:
        text += "\n\n" + t("Or did you mean: {question}", question=alternative.question[lang])
    text += "\n\n" + t("Was this helpful?")
    choices = [
        Choice(t("👍 Helpful"), f"faq:up:{entry.id}"),
        Choice(t("👎 Not what I asked"), f"faq:down:{entry.id}"),
    ]
    if entry.more:
        choices.append(Choice(t("📖 Read more"), f"faq:more:{entry.id}"))
    questions = [alternative] if alternative is not None else []
    for other in index.related(entry, RELATED_SHOWN + 1) if index else ():
        if len(questions) < RELATED_SHOWN and all(other.id != q.id for q in questions):
            questions.append(other)
    for other in questions:
        choices.append(Choice("❓ " + other.question[lang], f"faq:show:{other.id}"))
    choices.append(Choice(t("🏠 Main menu"), "menu:home"))
    return Reply(text, choices=tuple(choices))


def answer_reply(turn: Turn, entry: Any, *, intro: str = "", alternative: Any = None) -> Reply:
    """An entry's answer with its source and rule version, feedback and related questions."""
    library = turn.services.knowledge
    rules = library.rules if library is not None else None
    return answer_message(turn.t, entry, _index(turn), rules, intro, alternative)


def _escalate_offer(turn: Turn, text: str) -> Reply:
    choices = (
        Choice(turn.t("📨 Send it to an officer"), "faq:escalate"),
        Choice(turn.t("🏠 Main menu"), "menu:home"),
    )
    return Reply(text, choices=choices)


def _passage_reply(turn: Turn, match: Any, suggestions: Sequence[Any]) -> Reply:
    """A passage's matching sentences, verbatim, with the page they are on and an officer offer."""
    passage = match.passage
    text = "\n\n".join((
        match.extract,
        turn.t("📄 From «{title}», page {page}", title=passage.document, page=passage.page),
        turn.t("If this does not answer your question, I can pass it to an OCOP officer."),
    ))
    lang = turn.t.locale
    choices = [Choice(turn.t("📄 Read the whole passage"), f"mat:show:{passage.id}")]
    choices.extend(Choice("❓ " + e.question[lang], f"faq:show:{e.id}") for e in suggestions)
    choices.append(Choice(turn.t("📨 Send it to an officer"), "faq:escalate"))
    choices.append(Choice(turn.t("🏠 Main menu"), "menu:home"))
    return Reply(text, choices=tuple(choices))


async def answer_text(turn: Turn, text: str) -> list[Reply]:
    """Answer free text: an FAQ entry (with the runner-up offered when the search was unsure),
    close questions when entries about different things compete, else an offer."""
    index = _index(turn)
    lang = turn.t.locale
    if index is None:
        return [_escalate_offer(turn, turn.t("I can't search the training material right now."))]
    result = _ask(index, text, lang)
    closest = result.entry or (result.suggestions[0] if result.suggestions else None)
    turn.conv.data["faq_last"] = {
        "text": text[:4000],
        "lang": lang,
        "score": result.score,
        "entry": closest.id if closest else None,
    }
    if result.kind == "answer" and result.entry is not None:
        return [answer_reply(turn, result.entry, alternative=result.alternative)]
    if result.kind in ("greeting", "thanks", "out_of_scope") and result.reply:
        return [Reply(result.reply[lang], choices=menu_choices(turn))]
    if result.kind in ("suggest", "unknown") and turn.services.material is not None:
        # No entry answers: the training material may (never instead of an entry).
        match = await turn.services.material.answer(turn.session, text)
        if match is not None:
            return [_passage_reply(turn, match, result.suggestions[:PASSAGE_SUGGESTIONS])]
    if result.kind == "suggest" and result.suggestions:
        choices = [Choice("❓ " + e.question[lang], f"faq:show:{e.id}") for e in result.suggestions]
        choices.append(Choice(turn.t("📨 None of these: ask an officer"), "faq:escalate"))
        return [Reply(turn.t("I am not sure I understood. Did you mean:"), choices=tuple(choices))]
    if result.kind == "empty" or (result.kind != "suggest" and not looks_like_words(text)):
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


async def answer_in_step(turn: Turn, text: str) -> list[Reply] | None:
    """The FAQ's answer to a question typed inside a step, or None when it is not one the
    FAQ answers with confidence (the step then reads it as an answer)."""
    index = _index(turn)
    if index is None or is_filler(text):
        return None  # "ok", "đồng ý", "dạ vâng" answer the step; they are not questions
    result = _ask(index, text, turn.t.locale)
    if result.kind != "answer" or result.entry is None:
        return None
    turn.conv.data["faq_last"] = {
        "text": text[:4000],
        "lang": turn.t.locale,
        "score": result.score,
        "entry": result.entry.id,
    }
    return [answer_reply(turn, result.entry)]


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
    if not question or not looks_like_words(question):
        return [Reply(turn.t("Please type your question first, then I can pass it on."))]
    waiting = select(func.count()).where(
        Escalation.user_id == turn.user.id,
        Escalation.status == "open",
        col(Escalation.created_at) > turn.now - ESCALATION_WINDOW,
    )
    if (await turn.session.exec(waiting)).one() >= MAX_WAITING:
        text = turn.t(
            "You already have {n} questions waiting for the OCOP officers. They will answer you "
            "here; please wait for their answers before sending more.",
            n=MAX_WAITING,
        )
        return [Reply(text, choices=menu_choices(turn))]
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
    sent = turn.t("Sent to the OCOP officers. When they answer, I will write to you here.")
    return [Reply(f"{sent}\n{reply_time(turn)}", choices=menu_choices(turn))]


def reply_time(turn: Turn) -> str:
    """When an officer's answer can be expected."""
    return turn.t("Officers usually answer within {days} working days.", days=REPLY_WORKING_DAYS)
