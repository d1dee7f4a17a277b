"""Officers see and improve the training material on the dashboard: documents with pages,
passages and answers given; a document retired stops answering; a passage becomes an FAQ draft."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sqlmodel import select

from conversations.curation import store
from conversations.material.tables import MaterialDocument, MaterialPassage
from tests.bot.admin.conftest import Dashboard, csrf_of
from tests.support import Chat, Database

EVAL = Path(__file__).resolve().parents[2] / "knowledge" / "material_eval.yaml"


async def _answered_from_material(chat: Chat) -> str:
    """The first question of the handout's evaluation set that the handout answers."""
    for item in yaml.safe_load(EVAL.read_text(encoding="utf-8"))["questions"]:
        await chat.say(item["q"])
        if "📄" in chat.text:
            return str(item["q"])
    raise AssertionError("no handout question answered from the handout")


async def _handout(database: Database) -> tuple[MaterialDocument, MaterialPassage]:
    async with database.sessions() as session:
        document = (await session.exec(select(MaterialDocument))).first()
        assert document is not None, "the handout is added on first start"
        passage = (await session.exec(select(MaterialPassage).where(
            MaterialPassage.document_id == document.id))).first()
    assert passage is not None
    return document, passage


async def test_documents_passages_and_answers_given(
    dashboard: Dashboard, database: Database
) -> None:
    await _answered_from_material(Chat(dashboard.runtime.engine, user="hoi-tai-lieu"))
    document, _ = await _handout(database)
    client = await dashboard.logged_in()
    page = await client.get("/admin/knowledge/material")
    assert page.status_code == 200
    row = re.search(rf'data-testid="document-{document.id}".*?</tr>', page.text, re.S)
    assert row and document.title in row.group(0)
    cells = re.findall(r"<td>(\d+)</td>", row.group(0))
    pages, passages, answered = (int(c) for c in cells[1:4])
    assert pages >= 8 and passages > pages and answered == 1
    detail = await client.get(f"/admin/knowledge/material/{document.id}")
    assert detail.status_code == 200 and "data-testid=\"passage-" in detail.text
    assert (await client.get("/admin/knowledge/material/999999")).status_code == 404


async def test_a_retired_document_stops_answering_and_can_come_back(
    dashboard: Dashboard, database: Database
) -> None:
    question = await _answered_from_material(Chat(dashboard.runtime.engine, user="hoi"))
    document, _ = await _handout(database)
    client = await dashboard.logged_in()
    token = csrf_of((await client.get("/admin/knowledge/material")).text)
    response = await client.post(f"/admin/knowledge/material/{document.id}/retire",
                                 data={"csrf": token, "retired": "1"})
    assert response.status_code == 303 and "done=retired" in response.headers["location"]
    material = dashboard.runtime.services.material
    assert material is not None
    async with database.sessions() as session:
        assert await material.answer(session, question) is None
    await client.post(f"/admin/knowledge/material/{document.id}/retire",
                      data={"csrf": token, "retired": "0"})
    async with database.sessions() as session:
        assert await material.answer(session, question) is not None
    forged = await client.post(f"/admin/knowledge/material/{document.id}/retire",
                               data={"csrf": "forged", "retired": "1"})
    assert forged.status_code == 403
    async with database.sessions() as session:
        assert not (await session.get(MaterialDocument, document.id)).retired


async def test_a_passage_becomes_an_faq_draft(dashboard: Dashboard, database: Database) -> None:
    _, passage = await _handout(database)
    client = await dashboard.logged_in()
    token = csrf_of((await client.get("/admin/knowledge/material")).text)
    response = await client.post(f"/admin/knowledge/material/passages/{passage.id}/faq",
                                 data={"csrf": token})
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/knowledge/faq/mat-{passage.id}"
    form = await client.get(response.headers["location"])
    assert form.status_code == 200
    async with database.sessions() as session:
        record = await store.find(session, "faq", f"mat-{passage.id}")
    assert record is not None and record.status == "draft"
    assert passage.text.split("\n")[0][:40] in record.body
    assert "trang" in record.body  # the source names the page
