"""The self-quiz: polls with buttons, feedback, scores, resume, late answers, FSRS spacing."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from conversations.i18n import Catalogs
from conversations.quiz import spacing
from conversations.quiz.replies import answer_value, question_reply
from conversations.quiz.tables import QuizAnswer, QuizCard, QuizLearner
from knowledge.content import default_root
from knowledge.problems import Problem
from knowledge.quiz import load_quiz
from tests.conversations.quiz.quiz_world import START, World, answer, asked, open_quiz, write_bank
from tests.support import Chat, Database


@pytest.fixture
def world(database: Database, catalogs: Catalogs, tmp_path: Path) -> World:
    return World(database, catalogs, write_bank(tmp_path))


async def _answers(world: World) -> list[QuizAnswer]:
    async with world.database.open()() as session:
        return list((await session.exec(select(QuizAnswer).order_by(QuizAnswer.id))).all())


async def _cards(world: World) -> dict[str, QuizCard]:
    async with world.database.open()() as session:
        return {c.question_id: c for c in (await session.exec(select(QuizCard))).all()}


async def test_question_is_a_poll_with_the_same_options_as_buttons(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    assert "What would you like to practise?" in chat.text
    await chat.tap("topics")
    await chat.tap("topic:stars")
    reply = chat.replies[-1]
    question = asked(chat, world.bank)
    assert reply.poll is not None
    assert reply.poll.options == tuple(c.label for c in reply.choices)
    assert [c.value for c in reply.choices] == [answer_value(question.id, i) for i in range(3)]
    assert reply.poll.correct == question.correct
    assert reply.poll.explanation == question.explain_short["en"]
    assert reply.text == reply.poll.question == f"(1/6) {question.question['en']}"


def test_every_real_question_renders_for_each_channel(catalogs: Catalogs) -> None:
    problems: list[Problem] = []
    bank = load_quiz(default_root(), problems)
    for lang in ("vi", "en"):
        t = catalogs.texts(lang)
        for question in bank.questions:
            reply = question_reply(t, question, 10, 10)
            values = [c.value for c in reply.choices]
            assert all(len(v.encode()) <= 64 for v in values)
            if question.multiple:
                assert reply.poll is None and len(values) == len(question.options[lang]) + 1
                continue
            assert reply.poll is not None and reply.text == reply.poll.question
            assert reply.poll.options == tuple(c.label for c in reply.choices)
            assert len(reply.poll.question) <= 300 and len(reply.poll.explanation) <= 200


async def test_score_feedback_and_next_review(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.tap("mixed")
    for number in range(10):
        right = number % 2 == 0
        question = await answer(chat, world.bank, right)
        feedback = chat.replies[0].text
        assert feedback.startswith("✅ Right" if right else "❌ Not quite. The right answer:")
        assert question.options["en"][question.correct[0]] in feedback
        assert question.explain["en"] in feedback
        assert f"📖 Source: {question.source}" in feedback
        if number < 9:
            assert chat.replies[-1].text.startswith(f"({number + 2}/10) ")
    assert "Your score: 5/10 (50%)." in chat.text
    assert "To work on:" in chat.text
    # Wrong answers come back a day later: 2 March 02:00 UTC + 1 day, 09:00 in Cà Mau.
    assert "Your next review is due on March 3, 2026." in chat.text
    answers = await _answers(world)
    assert [a.correct for a in answers] == [n % 2 == 0 for n in range(10)]
    assert all(a.course_id is None for a in answers)


async def test_fewer_questions_typed_numbers_and_hedges(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.say("Choose a topic")
    await chat.say("Stars (6)")
    hedged = False
    for _ in range(6):
        question = asked(chat, world.bank)
        await chat.say("2")  # the second option, typed
        hedged |= bool(question.hedge and question.hedge["en"] in chat.replies[0].text)
    assert hedged, "the hedge of star-6 is shown with its feedback"
    assert [a.chosen for a in await _answers(world)] == [[1]] * 6
    right = sum(1 for a in await _answers(world) if a.correct)
    assert f"Your score: {right}/6" in chat.text


async def test_select_all_question_ticks_then_submits(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.tap("topics")
    await chat.tap("topic:cycle")
    reply = chat.replies[-1]
    assert reply.poll is None  # a quiz poll takes one answer: buttons only
    assert [c.label for c in reply.choices] == [
        "☐ cycle-1 one", "☐ cycle-1 two", "☐ cycle-1 three", "✔️ Done"
    ]
    await chat.tap("q:cycle-1:done")
    assert "Tick at least one answer" in chat.text
    await chat.tap("q:cycle-1:0")
    assert chat.value("☑ cycle-1 one") == "q:cycle-1:0"
    await chat.say("4")  # "✔️ Done", typed as its number
    assert chat.replies[0].text.startswith("❌ Not quite. The right answer: \n• cycle-1 one\n• ")
    assert "Your score: 0/1" in chat.text
    await chat.tap("again")
    await chat.tap("topics")
    await chat.tap("topic:cycle")
    await chat.say("1 và 3")
    assert chat.replies[0].text.startswith("✅ Right")
    assert [a.chosen for a in await _answers(world)] == [[0], [0, 2]]


async def test_resume_after_menu_and_after_a_restart(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.tap("mixed")
    for _ in range(3):
        await answer(chat, world.bank, right=True)
    waiting = asked(chat, world.bank)
    await chat.say("menu")
    restarted = Chat(world.engine(), lang="en")  # a new process on the same database
    await restarted.tap("menu:quiz")
    assert "Welcome back" in restarted.text
    assert asked(restarted, world.bank) == waiting
    assert restarted.replies[-1].text.startswith("(4/10) ")
    for _ in range(7):
        await answer(restarted, world.bank, right=True)
    assert "Your score: 10/10 (100%)." in restarted.text
    assert len(await _answers(world)) == 10


async def test_an_old_answer_changes_nothing(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.tap("mixed")
    first = await answer(chat, world.bank, right=True)
    second = asked(chat, world.bank)
    for late in (answer_value(first.id, 0), "q:no-such-question:1", "q:garbage"):
        await chat.tap(late)
        assert "That question is already done" in chat.text
        assert chat.replies[-1].choices[0].value == answer_value(second.id, 0)
    assert len(await _answers(world)) == 1
    # A poll answered after leaving for the menu still counts: it is the current question.
    await chat.say("menu")
    await chat.tap(answer_value(second.id, second.correct[0]))
    assert chat.replies[0].text.startswith("✅ Right")
    assert chat.replies[-1].text.startswith("(3/10) ")
    await chat.tap(answer_value(second.id, second.correct[0]))
    assert "That question is already done" in chat.text
    assert len(await _answers(world)) == 2


async def test_a_wrong_answer_comes_back_sooner_than_a_right_one(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.tap("topics")
    await chat.tap("topic:stars")
    wrong = await answer(chat, world.bank, right=False)
    right = await answer(chat, world.bank, right=True)
    cards = await _cards(world)
    assert cards[wrong.id].due < cards[right.id].due
    assert cards[wrong.id].due - START == timedelta(days=1)
    assert cards[wrong.id].lapses == 1 and not cards[wrong.id].last_correct
    assert cards[right.id].card["stability"] > cards[wrong.id].card["stability"]


async def test_review_asks_due_and_weak_questions_first(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.say("ôn tập")  # inside the quiz's first screen this is not a choice
    await chat.say("menu")
    await chat.say("ôn tập")
    assert "Nothing needs review right now." in chat.text
    await chat.tap("topics")
    await chat.tap("topic:stars")
    wrong = await answer(chat, world.bank, right=False)
    for _ in range(5):
        await answer(chat, world.bank, right=True)
    world.clock.now = START + timedelta(days=1, hours=1)
    await chat.tap("done")
    await chat.say("on tap")  # typed without diacritics, from the menu
    assert asked(chat, world.bank) == wrong
    assert chat.replies[-1].text.startswith("(1/1) ")  # the right ones are neither due nor weak
    await answer(chat, world.bank, right=True)
    await chat.tap("again")
    await chat.tap("mixed")
    assert asked(chat, world.bank) != wrong  # answered again: no longer due or weak


def test_ordering_puts_due_then_weak_then_new_then_known() -> None:
    now = START + timedelta(days=5)

    def card(question_id: str, correct: bool, answered_days_ago: float) -> QuizCard:
        at = now - timedelta(days=answered_days_ago)
        state = spacing.review(None, correct, at)
        return QuizCard(
            user_id=1, question_id=question_id, card=state, due=spacing.due_of(state),
            reviews=1, lapses=0 if correct else 1, last_correct=correct,
        )

    cards = {
        "known": card("known", True, 0.5),
        "weak": card("weak", False, 0.5),
        "due-right": card("due-right", True, 3),
        "due-wrong": card("due-wrong", False, 3),
    }
    ids = ["known", "new-1", "weak", "due-right", "new-2", "due-wrong"]
    order = spacing.order_quiz(ids, cards, now, random.Random(1))
    assert order[:3] == ["due-wrong", "due-right", "weak"]
    assert sorted(order[3:5]) == ["new-1", "new-2"] and order[5] == "known"
    assert spacing.order_review(cards.values(), now) == ["due-wrong", "due-right", "weak"]


async def test_review_reminder_opt_in_is_stored(world: World) -> None:
    chat = Chat(world.engine(), lang="en")
    await open_quiz(chat)
    await chat.tap("settings")
    assert chat.value("Reminders: off")
    await chat.tap("remind")
    assert "Review reminders on" in chat.text and chat.value("Reminders: on")
    async with world.database.open()() as session:
        learners = (await session.exec(select(QuizLearner))).all()
    assert [(x.review_reminders, x.leaderboard) for x in learners] == [(True, False)]
