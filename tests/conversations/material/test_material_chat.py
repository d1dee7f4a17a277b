"""Answers from the training material in chat: when no FAQ entry answers, a verbatim extract
with its page, the whole passage on a tap, and the offer to ask an officer."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from conversations.assistant import build_engine
from conversations.clock import utcnow
from conversations.engine import Engine
from conversations.faq.tables import Escalation
from conversations.i18n import Catalogs
from conversations.material.live import MaterialSearch
from conversations.material.store import add_material, list_documents, set_retired
from conversations.services import Services
from knowledge.library import Library
from knowledge.material.passages import sentences
from knowledge.material.reader import read_material
from knowledge.retrieval import FaqIndex
from testbed.material_files import HANDOUT
from tests.support import Chat, Database

TITLE = "Sổ tay tập huấn OCOP cho chủ thể tỉnh Cà Mau"
QUESTION = "Sau khi được chứng nhận doanh thu thường tăng bao nhiêu?"


async def _assistant(database: Database, catalogs: Catalogs, library: Library,
                     faq_index: FaqIndex) -> tuple[Callable[[], Engine], MaterialSearch]:
    async with database.sessions() as session, session.begin():
        await add_material(session, read_material(HANDOUT), file_name=HANDOUT.name,
                           now=utcnow(), rule_version="QĐ 148/2023")
    search = MaterialSearch(library.synonyms, check_every=0.0)
    async with database.sessions() as session, session.begin():
        await search.load(session)
    services = Services(catalogs=catalogs, knowledge=library, faq=faq_index, material=search)
    return (lambda: build_engine(database.open(), services)), search


async def test_a_handout_question_is_quoted_with_its_page(
    database: Database, catalogs: Catalogs, library: Library, faq_index: FaqIndex
) -> None:
    make, _ = await _assistant(database, catalogs, library, faq_index)
    chat = Chat(make())
    await chat.say(QUESTION)
    extract, source, offer = chat.text.split("\n\n")
    assert "doanh thu của nhiều chủ thể thường tăng khoảng 20 đến 30%" in extract
    assert len(extract) <= 350
    handout = " ".join(HANDOUT.read_text(encoding="utf-8").split())
    assert all(sentence in handout for sentence in sentences(extract))  # verbatim, never reworded
    assert source == f"📄 Theo «{TITLE}», trang 11"
    assert "cán bộ" in offer
    values = [v for _, v in chat.choices]
    assert values[0].startswith("mat:show:") and "faq:escalate" in values
    assert len(values) <= 5  # Zalo shows five buttons
    await chat.tap(values[0])
    assert "madeincamau.com" in chat.text and "20 đến 30%" in chat.text
    assert "trang 11" in chat.text
    await chat.tap("faq:escalate")
    async with database.sessions() as session:
        [escalation] = (await session.exec(select(Escalation))).all()
        [document] = await list_documents(session)
    assert escalation.question == QUESTION
    assert document.answered == 1


async def test_the_faq_stays_first_and_out_of_scope_gets_no_passage(
    database: Database, catalogs: Catalogs, library: Library, faq_index: FaqIndex
) -> None:
    make, _ = await _assistant(database, catalogs, library, faq_index)
    chat = Chat(make())
    await chat.say("giay chung nhan ocop co hieu luc bao lau vay ad")
    assert "📖 Nguồn:" in chat.text and "📄" not in chat.text
    await chat.say("kết quả xổ số miền nam hôm nay")
    assert "📄" not in chat.text
    await chat.say("máy hút chân không loại nào tốt để đóng gói khô cá")
    assert "📄" not in chat.text and "faq:escalate" in [v for _, v in chat.choices]
    async with database.sessions() as session:
        [document] = await list_documents(session)
    assert document.answered == 0


async def test_english_speakers_get_the_quote_with_an_english_source_line(
    database: Database, catalogs: Catalogs, library: Library, faq_index: FaqIndex
) -> None:
    make, _ = await _assistant(database, catalogs, library, faq_index)
    chat = Chat(make(), lang="en")
    await chat.say(QUESTION)  # typed in Vietnamese by an English-speaking user
    assert "20 đến 30%" in chat.text  # the quote stays verbatim
    assert f"📄 From «{TITLE}», page 11" in chat.text


async def test_a_retired_document_stops_answering_and_old_buttons_say_so(
    database: Database, catalogs: Catalogs, library: Library, faq_index: FaqIndex
) -> None:
    make, _ = await _assistant(database, catalogs, library, faq_index)
    chat = Chat(make())
    await chat.say(QUESTION)
    show = next(v for _, v in chat.choices if v.startswith("mat:show:"))
    async with database.sessions() as session, session.begin():
        [document] = await list_documents(session)
        await set_retired(session, document.id, True, utcnow())
    await chat.tap(show)
    assert "không còn trong tài liệu" in chat.text
    await chat.say(QUESTION)
    assert "📄" not in chat.text


async def test_the_handout_set_through_the_chat_gets_the_pages_the_evaluation_counts(
    database: Database, catalogs: Catalogs, library: Library, faq_index: FaqIndex
) -> None:
    """The evaluation (tests/knowledge/material) mirrors chat's path; here the same questions go
    through the engine itself (router, global words, FAQ, then passages)."""
    import re

    import yaml

    from tests.knowledge.material.test_material_eval import (
        EVAL,
        FLOOR_RIGHT_PAGE,
        answer,
        passage_index,
    )

    make, _ = await _assistant(database, catalogs, library, faq_index)
    engine = make()
    index = passage_index(HANDOUT, library)
    items = yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"]
    in_chat = mirrored = 0
    for n, item in enumerate(items):
        chat = Chat(engine, user=f"hoi-{n}")
        await chat.say(item["q"])
        found = re.search(rf"📄 Theo «{TITLE}», trang (\d+)", chat.text)
        in_chat += bool(found and int(found.group(1)) == item["page"])
        _, match = answer(faq_index, index, item["q"])
        mirrored += bool(match and match.passage.page == item["page"])
    assert in_chat == mirrored
    assert in_chat / len(items) >= FLOOR_RIGHT_PAGE
