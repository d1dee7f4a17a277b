"""A small province for the dashboard tests: producers, products, dossiers, questions, quizzes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from conversations.clock import utcnow
from conversations.faq.tables import Escalation, FaqFeedback
from conversations.models import User
from conversations.quiz.tables import Course, QuizAnswer
from conversations.registration.tables import DossierFile, DossierItem, Producer, Product
from tests.support import Database

TELEGRAM_ID = 4242
COMMUNE = "Xã Tân Tiến"
OTHER_COMMUNE = "Phường An Xuyên"
PHOTO_REF = "photo-ho-so-1"
QUESTION = "Hồ sơ OCOP có cần bản sao giấy đăng ký kinh doanh có công chứng không ạ?"


@dataclass(frozen=True, slots=True)
class Seeded:
    """Ids the tests look for."""

    producer_id: int
    escalation_id: int
    file_id: int
    telegram_user_id: int


async def seed(database: Database) -> Seeded:
    """Three producers in two communes; one on Telegram with a photo and an open question."""
    now = utcnow()
    today = date.today()
    async with database.sessions() as session, session.begin():
        tg = User(
            channel="telegram",
            external_id=str(TELEGRAM_ID),
            display_name="Chị Hoa",
            last_inbound_at=now,
        )
        web = User(channel="web", external_id="visitor-abcdefghijklmnop", display_name="Anh Nam")
        session.add_all([tg, web])
        await session.flush()
        shrimp = Producer(
            user_id=tg.id,
            representative="Nguyễn Thị Hoa",
            name="HTX Tôm Sạch Tân Tiến",
            entity_type="cooperative",
            phone="0912345678",
            province="Cà Mau",
            commune=COMMUNE,
            consent_at=now,
        )
        honey = Producer(
            user_id=web.id,
            representative="Trần Văn Nam",
            name="Cơ sở Mật ong U Minh",
            entity_type="household",
            phone="0987654321",
            province="Cà Mau",
            commune=COMMUNE,
            consent_at=now,
        )
        imported = Producer(
            representative="Lê Văn Ba",
            name="Công ty Khô Cá Bạc Liêu",
            entity_type="enterprise",
            province="Cà Mau",
            commune=OTHER_COMMUNE,
            source="import",
        )
        session.add_all([shrimp, honey, imported])
        await session.flush()
        dried = Product(
            producer_id=shrimp.id or 0,
            name="Tôm khô Tân Tiến",
            group_id="food",
            set_id="fresh-meat-seafood",
            stage="producing",
            evaluation_type="first",
        )
        honey_product = Product(
            producer_id=honey.id or 0,
            name="Mật ong rừng U Minh",
            group_id="food",
            stage="idea",
            evaluation_type="first",
        )
        fish = Product(
            producer_id=imported.id or 0,
            name="Khô cá sặc",
            group_id="food",
            stage="rated",
            stars=4,
            decision_date=today - timedelta(days=1000),
            expiry_date=today + timedelta(days=95),
        )
        session.add_all([dried, honey_product, fish])
        await session.flush()
        item = DossierItem(product_id=dried.id or 0, item_id="business-registration", status="have")
        session.add_all(
            [
                item,
                DossierItem(product_id=dried.id or 0, item_id="registration-form", status="have"),
                DossierItem(
                    product_id=honey_product.id or 0,
                    item_id="registration-form",
                    status="in_progress",
                ),
            ]
        )
        await session.flush()
        photo = DossierFile(
            dossier_item_id=item.id or 0,
            channel="telegram",
            kind="photo",
            file_ref=PHOTO_REF,
            mime_type="image/jpeg",
            file_name="giay-dkkd.png",
        )
        session.add(photo)
        escalation = Escalation(
            user_id=tg.id,
            question=QUESTION,
            lang="vi",
            score=0.3,
            closest_entry="admin-pending-dossier",
            created_at=now - timedelta(hours=3),
        )
        session.add_all(
            [
                escalation,
                Escalation(
                    user_id=web.id,
                    question="Mật ong có được xếp hạng OCOP không?",
                    lang="vi",
                    created_at=now - timedelta(days=2),
                ),
                Escalation(
                    user_id=web.id,
                    question="Khi nào xã nhận hồ sơ OCOP năm nay?",
                    lang="vi",
                    status="answered",
                    answer="Anh/chị liên hệ UBND xã để biết lịch nhận hồ sơ cụ thể.",
                    answered_at=now,
                    created_at=now - timedelta(days=5),
                ),
            ]
        )
        for days, helpful in ((1, True), (1, True), (3, False), (6, True), (9, True)):
            session.add(
                FaqFeedback(
                    user_id=tg.id,
                    entry_id="cycle-six-steps",
                    helpful=helpful,
                    created_at=now - timedelta(days=days),
                )
            )
        course = Course(
            code="CAMAU26", name="OCOP Cà Mau 2026", expires_at=now + timedelta(days=30)
        )
        session.add(course)
        await session.flush()
        for user, correct in ((tg, True), (tg, False), (web, True)):
            session.add(
                QuizAnswer(
                    user_id=user.id or 0,
                    question_id="q1",
                    topic="basics",
                    correct=correct,
                    course_id=course.id,
                )
            )
        session.add(QuizAnswer(user_id=web.id or 0, question_id="q2", topic="basics", correct=True))
        await session.flush()
        return Seeded(shrimp.id or 0, escalation.id or 0, photo.id or 0, tg.id or 0)
