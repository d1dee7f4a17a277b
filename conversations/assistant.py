"""The assembled assistant: every flow, every choice handler and the free-text answerer."""

from __future__ import annotations

from types import ModuleType

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from conversations import language, menu
from conversations.announcements import chat as broadcast_chat
from conversations.announcements import flow as broadcast
from conversations.engine import Engine
from conversations.faq import chat as faq_chat
from conversations.flow import Flow
from conversations.material import chat as material_chat
from conversations.menu import menu_reply
from conversations.messages import Choice, Reply
from conversations.officers import roles as officers
from conversations.quiz import commands as quiz_commands
from conversations.quiz import flow as quiz
from conversations.registration import (
    add_product,
    dossier,
    edit_product,
    my_data,
    producer_store,
    profile,
)
from conversations.registration import (
    register as registration,
)
from conversations.reminders import personal as personal_reminders
from conversations.reminders import views as reminder_views
from conversations.router import Router
from conversations.services import Services
from conversations.turn import Turn
from conversations.words import phrase_key

FLOW_MODULES: tuple[ModuleType, ...] = (
    language,
    registration,
    profile,
    add_product,
    edit_product,
    dossier,
    my_data,
    quiz,
    broadcast,
)
"""Every module that defines a flow: its `FLOW`, with the `.mmd` diagram beside the module."""

FLOWS: tuple[Flow, ...] = tuple(module.FLOW for module in FLOW_MODULES)

PHRASES: dict[str, str] = {
    "thong tin cua toi": "producer:show",
    "my data": "producer:show",
    "my info": "producer:show",
    "xoa du lieu cua toi": "producer:erase",
    "xoa du lieu": "producer:erase",
    "delete my data": "producer:erase",
    "con thieu gi": "dossier:missing",
    "what is missing": "dossier:missing",
    "ho so cua toi": "menu:dossier",
    "tien do ho so": "menu:dossier",
    "my dossier": "menu:dossier",
    "them san pham": "producer:add_product",
    "add a product": "producer:add_product",
    "sua thong tin": "producer:edit",
    "sua san pham": "producer:edit_product",
    "doi ten san pham": "producer:edit_product",
    "edit a product": "producer:edit_product",
    "lich": "menu:reminders",
    "nhac hen": "menu:reminders",
    "lich nhac hen": "menu:reminders",
    "reminders": "menu:reminders",
    "dang ky": "menu:register",
    "register": "menu:register",
    "dung thong bao": "announce:off",
    "tat thong bao": "announce:off",
    "stop announcements": "announce:off",
    "nhan thong bao": "announce:on",
    "bat thong bao": "announce:on",
    "start announcements": "announce:on",
    "thong bao": "bcast:new",
    "gui thong bao": "bcast:new",
    "announcement": "bcast:new",
    "lich su thong bao": "bcast:history",
    "dangky": "menu:register",
    "hoso": "menu:dossier",
    "hoidap": "menu:ask",
    "hoi dap": "menu:ask",
    "ontap": "menu:quiz",
    "thongbao": "bcast:new",
    **quiz_commands.QUIZ_PHRASES,
}
"""Typed phrases (folded, without ending punctuation) that act like a menu choice anywhere idle."""


STEP_PHRASES: tuple[str, ...] = (
    "thong tin cua toi",
    "my data",
    "con thieu gi",
    "what is missing",
    "tien do ho so",
    "lich",
    "nhac hen",
    "lich nhac hen",
    "reminders",
    "dung thong bao",
    "tat thong bao",
    "stop announcements",
    "nhan thong bao",
    "bat thong bao",
    "start announcements",
)
"""Phrases of `PHRASES` that also work inside a step; the step's question comes back after."""


COMMANDS = {"lich": reminder_views.officer_calendar, "canbo": broadcast_chat.redeem_invite}
"""Slash commands with arguments, typed anywhere outside a form step."""


def build_router() -> Router:
    """The router with every flow and handler of the product."""
    router: Router

    async def open_dossier(turn: Turn, missing: bool = False) -> list[Reply]:
        producer = await producer_store.producer_of(turn.session, turn.user.id)
        if producer is None:
            text = turn.t("Please register first, so I know your product.")
            register = Choice(turn.t("📝 Register as a producer"), "menu:register")
            return [Reply(text, choices=(register,))]
        products = await producer_store.products_of(turn.session, producer.id)
        if len(products) != 1:
            return await router.start(turn, "dossier", step="pick_product")
        product = products[0]
        step = "overview" if product.evaluation_type else "evaluation_type"
        form: dict[str, object] = {"product_id": product.id}
        if missing and product.evaluation_type:
            form["missing_from"] = 0  # "còn thiếu gì?": the overview opens with the gaps
        return await router.start(turn, "dossier", form=form, step=step)

    async def on_menu(turn: Turn, value: str) -> list[Reply]:
        if value == "menu:register":
            if await producer_store.producer_of(turn.session, turn.user.id):
                return await my_data.show_my_data(turn)
            return await router.start(turn, "registration")
        if value == "menu:dossier":
            return await open_dossier(turn)
        if value == "menu:settings":
            return await router.start(turn, "language")
        if value == "menu:quiz":
            return await quiz_commands.open_quiz(router, turn, value)
        handlers = {
            "menu:ask": menu.ask_prompt,
            "menu:reminders": reminder_views.show_reminders,
        }
        handler = handlers.get(value)
        return await handler(turn) if handler else [menu_reply(turn)]

    async def on_producer(turn: Turn, value: str) -> list[Reply]:
        producer = await producer_store.producer_of(turn.session, turn.user.id)
        if value == "producer:show" or producer is None:
            return await my_data.show_my_data(turn)
        if value == "producer:edit":
            return await router.start(turn, "profile", form=producer_store.profile_form(producer))
        if value == "producer:add_product":
            return await router.start(turn, "add_product")
        if value == "producer:edit_product":
            products = await producer_store.products_of(turn.session, producer.id)
            form, step = edit_product.opening(products)
            return await router.start(turn, "edit_product", form=form, step=step)
        if value == "producer:erase":
            return await router.start(turn, "my_data")
        return [menu_reply(turn)]

    async def on_dossier(turn: Turn, value: str) -> list[Reply]:
        return await open_dossier(turn, missing=value == "dossier:missing")

    async def on_quiz(turn: Turn, value: str) -> list[Reply]:
        return await quiz_commands.open_quiz(router, turn, value)

    async def on_quiz_answer(turn: Turn, value: str) -> list[Reply]:
        return await quiz_commands.on_late_answer(router, turn, value)

    async def on_text(turn: Turn, text: str) -> list[Reply]:
        course_command = await quiz_commands.on_command(turn, text)
        if course_command is not None:
            return course_command
        command = reminder_views.parse_command(text)
        producer_lich = command == ("lich", []) and not officers.is_officer(turn.user)
        if command and command[0] in COMMANDS and not producer_lich:  # "/lich": their deadlines
            return await COMMANDS[command[0]](turn, command[1])
        personal = await personal_reminders.on_text(turn, text)
        if personal is not None:
            return personal
        action = PHRASES.get(phrase_key(text))  # "/thongbao" like "thông báo"
        if action and action.startswith("bcast:") and not officers.is_officer(turn.user):
            action = None  # "thông báo" from a producer is a question, not a command
        if action:
            return await router.actions[action.split(":", 1)[0]](turn, action)
        return await faq_chat.answer_text(turn, text)

    async def on_bcast(turn: Turn, value: str) -> list[Reply]:
        if value == "bcast:new" and officers.is_officer(turn.user):
            return await router.start(turn, "broadcast", form={})
        return await broadcast_chat.on_officer_action(turn, value)

    async def on_quiz_due(turn: Turn, value: str) -> list[Reply]:
        # The "review now" button of a review reminder, accepted from that older message.
        return await quiz_commands.open_quiz(router, turn, "quiz:review")

    router = Router(
        flows={flow.name: flow for flow in FLOWS},
        actions={
            "menu": on_menu,
            "producer": on_producer,
            "dossier": on_dossier,
            "rem": reminder_views.on_reminder,
            "remset": reminder_views.on_setting,
            "mine": personal_reminders.on_action,
            "faq": faq_chat.on_faq,
            "mat": material_chat.on_material,
            "quizdue": on_quiz_due,
            "bcast": on_bcast,
            "announce": broadcast_chat.on_announce,
            "quiz": on_quiz,
            "q": on_quiz_answer,
        },
        free_text=on_text,
        open_prefixes=frozenset({"rem", "quizdue", "announce", "faq", "mine"}),
        late_prefixes=frozenset({"q"}),
        phrases={phrase: PHRASES[phrase] for phrase in STEP_PHRASES},
        question=faq_chat.answer_in_step,
    )
    return router


def build_engine(sessions: async_sessionmaker[AsyncSession], services: Services) -> Engine:
    """An engine with the whole assistant behind it."""
    return Engine(sessions, services, build_router())
