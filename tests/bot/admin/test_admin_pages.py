"""The dashboard pages over HTTP: overview, inbox, producers, files, exports, announcements."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import select

from conversations.announcements.broadcasts import Broadcast
from conversations.clock import utcnow
from conversations.curation.tables import KnowledgeRecord
from conversations.faq.tables import Escalation
from conversations.outbox import OutboxMessage
from conversations.registration.exchange import export_rows
from conversations.registration.tables import DossierFile
from tests.bot.admin.conftest import Dashboard, confirm_token_of, csrf_of
from tests.bot.admin.seed import COMMUNE, QUESTION, seed
from tests.bot.webchat.files import png
from tests.support import Database


async def test_overview_counts_and_draws_charts(dashboard: Dashboard, database: Database) -> None:
    await seed(database)
    client = await dashboard.logged_in()
    page = (await client.get("/admin")).text
    assert page.count("<svg") >= 7
    assert "Xã Tân Tiến" in page and "Hợp tác xã" in page
    assert "Khô cá sặc" in page, "the certificate ending in 95 days is listed"
    assert "Chuyển cán bộ: 3, đã trả lời: 1 (33%)." in page
    assert "4 câu trả lời từ 2 người." in page
    assert "Bot không lưu mọi câu hỏi" in page


async def test_answering_writes_the_outbox_row_with_the_escalation(
    dashboard: Dashboard, database: Database
) -> None:
    seeded = await seed(database)
    client = await dashboard.logged_in()
    inbox = await client.get("/admin/inbox")
    assert QUESTION in inbox.text
    assert "HTX Tôm Sạch Tân Tiến" in inbox.text and "Tôm khô Tân Tiến" in inbox.text
    token = csrf_of(inbox.text)
    answer = "Dạ, cần bản sao có chứng thực <b>không quá 6 tháng</b>."
    url = f"/admin/inbox/{seeded.escalation_id}/answer"
    response = await client.post(url, data={"csrf": token, "answer": answer})
    assert response.headers["location"] == "/admin/inbox?done=answered"
    again = await client.post(url, data={"csrf": token, "answer": "lần hai"})
    assert again.headers["location"] == "/admin/inbox?done=closed"
    async with database.sessions() as session:
        escalation = await session.get(Escalation, seeded.escalation_id)
        assert escalation is not None and escalation.status == "answered"
        assert escalation.answer == answer
        rows = (await session.exec(select(OutboxMessage))).all()
    assert len(rows) == 1
    assert rows[0].dedupe_key == f"esc:{seeded.escalation_id}:answer"
    assert rows[0].user_id == seeded.telegram_user_id and rows[0].kind == "officer_answer"
    assert answer in rows[0].text and QUESTION in rows[0].text
    page = (await client.get("/admin/inbox")).text
    assert "&lt;b&gt;không quá 6 tháng&lt;/b&gt;" in page, "officer text is escaped"


async def test_add_to_knowledge_makes_a_draft_entry_that_is_not_served(
    dashboard: Dashboard, database: Database
) -> None:
    seeded = await seed(database)
    client = await dashboard.logged_in()
    token = csrf_of((await client.get("/admin/inbox")).text)
    await client.post(
        f"/admin/inbox/{seeded.escalation_id}/answer",
        data={"csrf": token, "answer": "Cần bản sao có chứng thực."},
    )
    key = f"esc-{seeded.escalation_id}"
    response = await client.post(f"/admin/inbox/{seeded.escalation_id}/draft", data={"csrf": token})
    assert response.headers["location"] == f"/admin/knowledge/faq/{key}"
    again = await client.post(f"/admin/inbox/{seeded.escalation_id}/draft", data={"csrf": token})
    assert again.headers["location"] == f"/admin/knowledge/faq/{key}"
    async with database.sessions() as session:
        records = (await session.exec(select(KnowledgeRecord).where(
            KnowledgeRecord.key == key))).all()
    assert [r.status for r in records] == ["draft"]
    assert "Cần bản sao có chứng thực." in records[0].body
    page = (await client.get(f"/admin/knowledge/faq/{key}")).text
    assert "Cần bản sao có chứng thực." in page, "the answer is prefilled"
    faq = dashboard.runtime.services.faq
    assert faq.get(key) is None, "a draft is never served"
    assert "draft-entry" in (await client.get("/admin/inbox")).text


async def test_producer_search_folds_diacritics_and_filters(
    dashboard: Dashboard, database: Database
) -> None:
    await seed(database)
    client = await dashboard.logged_in()
    for query, expected in (
        ({"q": "tom sach"}, ["HTX Tôm Sạch Tân Tiến"]),
        ({"q": "0987"}, ["Cơ sở Mật ong U Minh"]),
        ({"q": "le van ba"}, ["Công ty Khô Cá Bạc Liêu"]),
        ({"commune": COMMUNE, "stage": "idea"}, ["Cơ sở Mật ong U Minh"]),
        ({"type": "enterprise"}, ["Công ty Khô Cá Bạc Liêu"]),
    ):
        page = (await client.get("/admin/producers", params=query)).text
        names = ["HTX Tôm Sạch Tân Tiến", "Cơ sở Mật ong U Minh", "Công ty Khô Cá Bạc Liêu"]
        assert [n for n in names if n in page] == expected, query


async def test_web_chat_upload_is_served_to_officers_only(
    dashboard: Dashboard, database: Database
) -> None:
    seeded = await seed(database)
    uploads = dashboard.admin.uploads

    async def body() -> AsyncIterator[bytes]:
        yield png(4, 4)

    upload = await uploads.save("visitor-abcdefghijklmnop", body(), "ảnh hồ sơ.png")
    async with database.sessions() as session, session.begin():
        file = await session.get(DossierFile, seeded.file_id)
        assert file is not None
        web_file = DossierFile(dossier_item_id=file.dossier_item_id, channel="web", kind="photo",
                               file_ref=upload.id, mime_type="image/png", file_name="ảnh hồ sơ.png")
        session.add(web_file)
        await session.flush()
        file_id = web_file.id
    anonymous = await dashboard.client().get(f"/admin/files/{file_id}")
    assert anonymous.status_code == 303 and not anonymous.content
    client = await dashboard.logged_in()
    response = await client.get(f"/admin/files/{file_id}")
    assert response.status_code == 200
    assert response.content == png(4, 4)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E1%BA%A3nh" in response.headers["content-disposition"]
    missing = await client.get(f"/admin/files/{seeded.file_id}")
    assert missing.status_code == 404, "no Telegram channel runs in this app"


async def test_exports_have_the_rows_of_export_rows(
    dashboard: Dashboard, database: Database
) -> None:
    await seed(database)
    client = await dashboard.logged_in()
    library = dashboard.runtime.services.knowledge
    for kind in ("producers", "products", "dossiers"):
        async with database.sessions() as session:
            expected = await export_rows(session, kind, library)
        csv_file = await client.get(f"/admin/exports/{kind}.csv")
        assert csv_file.headers["content-type"].startswith("text/csv")
        assert f"ocop-{kind}-" in csv_file.headers["content-disposition"]
        text = csv_file.content.decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(text))) == [
            ["" if v is None else str(v) for v in row] for row in expected
        ]
        xlsx = await client.get(f"/admin/exports/{kind}.xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        got = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        assert got == [["" if v is None else v for v in row] for row in expected]
    assert (await client.get("/admin/exports/secrets.csv")).status_code == 404


async def test_broadcast_preview_counts_then_confirm_writes_the_outbox(
    dashboard: Dashboard, database: Database
) -> None:
    await seed(database)
    client = await dashboard.logged_in()
    token = csrf_of((await client.get("/admin/broadcasts")).text)
    form = {"csrf": token, "text": "Họp chủ thể OCOP <sáng thứ Hai>.", "commune": COMMUNE,
            "when": "now"}
    preview = await client.post("/admin/broadcasts/preview", data=form)
    assert preview.status_code == 200
    assert "2 người sẽ nhận" in preview.text
    assert "Họp chủ thể OCOP &lt;sáng thứ Hai&gt;." in preview.text
    async with database.sessions() as session:
        assert (await session.exec(select(Broadcast))).all() == []
    form["confirm_token"] = confirm_token_of(preview.text)
    done = await client.post("/admin/broadcasts", data=form)
    assert done.status_code == 303
    async with database.sessions() as session:
        broadcast = (await session.exec(select(Broadcast))).one()
        rows = (await session.exec(select(OutboxMessage))).all()
    assert broadcast.status == "sending" and broadcast.total == 2
    assert sorted(r.kind for r in rows) == ["announcement", "announcement"]
    history = (await client.get(done.headers["location"])).text
    assert f"Đã lưu thông báo số {broadcast.id}" in history


async def test_a_scheduled_broadcast_waits_and_can_be_cancelled(
    dashboard: Dashboard, database: Database
) -> None:
    await seed(database)
    client = await dashboard.logged_in()
    token = csrf_of((await client.get("/admin/broadcasts")).text)
    later = (utcnow() + timedelta(days=2)).astimezone(dashboard.runtime.services.timezone)
    form = {"csrf": token, "text": "Nhắc lịch tập huấn.", "everyone": "1", "when": "later",
            "day": later.date().isoformat(), "time": "08:30", "urgent": "1"}
    preview = await client.post("/admin/broadcasts/preview", data=form)
    assert "Hẹn gửi lúc" in preview.text and "08:30" in preview.text
    past = await client.post("/admin/broadcasts/preview", data={**form, "day": "2020-01-01"})
    assert past.status_code == 400 and "Thời điểm đã chọn đã qua." in past.text
    form["confirm_token"] = confirm_token_of(preview.text)
    await client.post("/admin/broadcasts", data=form)
    async with database.sessions() as session:
        broadcast = (await session.exec(select(Broadcast))).one()
        assert (await session.exec(select(OutboxMessage))).all() == []
    assert broadcast.status == "scheduled" and broadcast.urgent
    assert json.dumps(broadcast.audience)
    await client.post(f"/admin/broadcasts/{broadcast.id}/cancel", data={"csrf": token})
    async with database.sessions() as session:
        again = await session.get(Broadcast, broadcast.id)
    assert again is not None and again.status == "cancelled"


async def test_overview_warns_when_web_chat_attachments_fill_their_disk_space(
    dashboard: Dashboard,
) -> None:
    client = await dashboard.logged_in()
    page = (await client.get("/admin")).text
    assert 'data-testid="uploads-full"' not in page
    assert "Tệp đính kèm của web chat: 0/" in page
    store = dashboard.admin.uploads
    store.quota = 12 * 1024**2  # 3 MB used + a 10 MB file would not fit
    store.directory.mkdir(parents=True, exist_ok=True)
    (store.directory / ("a" * 22)).write_bytes(b"\0" * 3 * 1024**2)  # saved by another process
    page = (await client.get("/admin")).text
    assert 'data-testid="uploads-full"' in page
    assert "Tệp đính kèm của web chat đã dùng hết dung lượng (3/12 MB)" in page
