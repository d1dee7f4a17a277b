"""A database written by an older release upgrades in place and its conversations resume.

`tests/fixtures/pre-layout.db` was made by the code of main at 27a69bc (before conversations/ was
split into capability packages): "lan" stopped at the commune step of registration, "binh" at the
summary before saving. Stored state strings such as "registration:commune" are data and must keep
working whatever the modules are called.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select

from bot.database import create_engine, session_factory, upgrade
from conversations.assistant import build_engine
from conversations.models import Conversation, User
from conversations.registration.tables import Producer, Product
from conversations.services import Services
from tests.support import Chat

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pre-layout.db"


async def test_old_database_upgrades_and_resumes(tmp_path: Path, services: Services) -> None:
    path = tmp_path / "ocop.db"
    shutil.copy(FIXTURE, path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session:
            states = dict(
                (await session.exec(
                    select(User.external_id, Conversation.state).join(
                        Conversation, Conversation.user_id == User.id
                    )
                )).all()
            )
        assert states == {"lan": "registration:commune", "binh": "registration:summary"}

        assistant = build_engine(sessions, services)
        lan = Chat(assistant, user="lan")
        await lan.send(text="Tân Thành", message_id="after-layout-1")  # old ids are taken
        assert "sản phẩm" in lan.text.lower()
        binh = Chat(assistant, user="binh")
        await binh.send(action="save", message_id="after-layout-2")

        async with sessions() as session:
            producers = {p.representative: p for p in (await session.exec(select(Producer))).all()}
            products = (await session.exec(select(Product))).all()
            lan_state = (
                await session.exec(
                    select(Conversation.state)
                    .join(User, Conversation.user_id == User.id)
                    .where(User.external_id == "lan")
                )
            ).one()
        assert set(producers) == {"Trần Văn Bình"}
        assert producers["Trần Văn Bình"].commune == "Phường Tân Thành"
        assert [p.name for p in products] == ["mật ong U Minh"]
        assert lan_state == "registration:product_name"
    finally:
        await engine.dispose()
