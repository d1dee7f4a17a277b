"""Officer import and export: all-or-nothing imports, linking on registration, round trips."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from bot.tables import read_table, write_table
from conversations.clock import utcnow
from conversations.engine import Engine
from conversations.registration.exchange import export_rows, import_producers
from conversations.registration.tables import Producer, Product
from knowledge.library import Library
from tests.conversations.registration.test_registration import RATED
from tests.support import Chat, Database

GOOD = [
    [
        "Chủ thể",
        "Người đại diện",
        "Số điện thoại",
        "Tỉnh",
        "Xã",
        "Sản phẩm",
        "Nhóm",
        "Số sao",
        "Ngày quyết định",
        "Số quyết định",
    ],
    [
        "HTX Tôm khô Rạch Gốc",
        "Nguyễn Văn An",
        "0912 345 678",
        "Cà Mau",
        "Xã Tân Ân",
        "Tôm khô Rạch Gốc",
        "1",
        "4",
        "13/05/2024",
        "1234/QĐ-UBND",
    ],
    [
        "HTX Tôm khô Rạch Gốc",
        "Nguyễn Văn An",
        "0912 345 678",
        "Cà Mau",
        "Xã Tân Ân",
        "Khô cá",
        "Thực phẩm",
        "3",
        "01/02/2023",
        "99/QĐ-UBND",
    ],
    [
        "Cơ sở Mật ong U Minh",
        "Trần Thị Bé",
        "+84 987 654 321",
        "Cà Mau",
        "Xã U Minh",
        "Mật ong rừng",
        "thuc pham",
        "3",
        "2022-12-01",
        "",
    ],
]


async def _import(db: Database, table: list[list[object]], library: Library):  # type: ignore[no-untyped-def]
    async with db.sessions() as session, session.begin():
        report = await import_producers(session, table, library, utcnow())
        if report.errors:
            await session.rollback()
    return report


async def _count(db: Database) -> tuple[int, int]:
    async with db.sessions() as session:
        producers = len((await session.exec(select(Producer))).all())
        products = len((await session.exec(select(Product))).all())
    return producers, products


async def test_import_with_bad_rows_changes_nothing(database: Database, library: Library) -> None:
    bad = [*GOOD, ["", "X", "123", "", "", "Tôm", "9", "7", "31/02/2024", ""]]
    report = await _import(database, bad, library)
    assert report.errors == [
        "line 5: producer: missing, too short or not a name",
        "line 5: group: unknown '9' (1–6 or a group name)",
        "line 5: phone: '123' is not a Vietnamese phone number",
        "line 5: stars: '7' is not 1–5",
        "line 5: decision_date: '31/02/2024' is not a date (dd/mm/yyyy)",
    ]
    assert await _count(database) == (0, 0)
    missing = await _import(database, [["producer", "phone"], ["A B", "0912345678"]], library)
    assert missing.errors == ["line 1: missing column(s): product, group"]


async def test_import_then_export_round_trips(
    database: Database, library: Library, tmp_path: Path
) -> None:
    report = await _import(database, GOOD, library)
    assert (report.errors, report.producers, report.products) == ([], 2, 3)
    async with database.sessions() as session:
        first = await export_rows(session, "products", library)
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"products.{fmt}"
        write_table(first, fmt, path)
        table = read_table(path)
        assert [str(c) if c is not None else "" for c in table[1]][:6] == [
            str(c) for c in first[1][:6]
        ]
        again = await _import(database, table, library)  # re-importing updates, never duplicates
        assert (again.errors, again.producers, again.products) == ([], 0, 0)
        async with database.sessions() as session:
            assert await export_rows(session, "products", library) == first
    rated = {row[5]: row for row in first[1:]}
    assert rated["Tôm khô Rạch Gốc"][11:13] == ["2024-05-13", "2027-05-13"]
    assert rated["Mật ong rừng"][7] == "honey-other-farm-foods"
    async with database.sessions() as session:
        producers = await export_rows(session, "producers", library)
        dossiers = await export_rows(session, "dossiers", library)
    assert (
        producers[1][1] == "HTX Tôm khô Rạch Gốc" and producers[1][6] == "Tôm khô Rạch Gốc; Khô cá"
    )
    assert len(dossiers) == 1 + 3 * 21 and dossiers[1][5] == "missing"


async def test_registering_with_an_imported_phone_links(
    database: Database, library: Library, assistant: Callable[[], Engine]
) -> None:
    await _import(database, GOOD, library)
    chat = Chat(assistant())
    for line, _ in RATED:  # the same phone, 0912 345 678, and product name in another case
        await chat.say(line)
    await chat.say("Lưu")
    assert "danh sách của tỉnh" in chat.text
    assert await _count(database) == (2, 3)  # the same product, typed in lower case, is linked
    async with database.sessions() as session:
        producer = (
            await session.exec(select(Producer).where(Producer.phone == "0912345678"))
        ).one()
        assert producer.user_id is not None and producer.source == "import"
        assert producer.representative == "Nguyễn Văn An"


def _cli(database: Database, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "DATABASE_URL": database.url}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, timeout=120,
        check=False,
    )


async def test_cli_import_reports_lines_and_exit_code(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("producer,product,group\nHTX A,Tôm khô,1\nHTX B,Mắm,9\n", encoding="utf-8")
    result = _cli(database, "import", "producers", str(path))
    assert result.returncode == 1
    assert "bad.csv: line 3: group: unknown '9'" in result.stderr.decode()
    assert await _count(database) == (0, 0)
    path.write_text("producer,product,group\nHTX A,Tôm khô,1\n", encoding="utf-8")
    result = _cli(database, "import", "producers", str(path))
    assert result.returncode == 0, result.stderr
    out = _cli(database, "export", "producers")
    assert b"HTX A" in out.stdout and out.stdout.startswith(b"\xef\xbb\xbf")
