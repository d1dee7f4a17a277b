"""Steps that ask for the producer's profile; shared by the registration and profile flows."""

from __future__ import annotations

from conversations.flow import Go, Retry, Step
from conversations.i18n import N_
from conversations.messages import Choice, Reply
from conversations.parsing import clean_name, is_filler, normalise_phone
from conversations.turn import Answer, Turn, library
from knowledge.folding import fold

ENTITY_LABELS: dict[str, str] = {
    "enterprise": N_("Enterprise (company)"),
    "cooperative": N_("Cooperative (HTX)"),
    "cooperative_group": N_("Cooperative group (tổ hợp tác)"),
    "household": N_("Registered household business"),
    "unregistered": N_("Not registered yet"),
}
HOME_PROVINCE = "Cà Mau"


def not_a_name(turn: Turn, typed: str) -> str:
    """ "“ok” is not a name. " when `typed` is a yes/no or filler word, else nothing."""
    if not is_filler(typed):
        return ""
    return turn.t("“{typed}” is not a name. ", typed=typed.strip()[:40])


async def ask_representative(turn: Turn) -> list[Reply]:
    """Asks for the representative's full name."""
    return [Reply(turn.t("What is the full name of the representative? (e.g. Nguyễn Văn An)"))]


async def on_representative(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the representative's name and asks for the producer's name."""
    name = clean_name(answer.text)
    if name is None:
        retry = turn.t("Please type a full name (2–120 characters), e.g. Nguyễn Văn An.")
        return Retry(not_a_name(turn, answer.text) + retry)
    turn.form["representative"] = name.title() if name == name.lower() else name
    return Go("producer_name")


async def ask_producer_name(turn: Turn) -> list[Reply]:
    """Asks for the name of the establishment, cooperative or company."""
    return [
        Reply(
            turn.t(
                "What is the name of your establishment, cooperative or company? "
                "(e.g. HTX Tôm khô Rạch Gốc)"
            )
        )
    ]


async def on_producer_name(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the producer's name and asks for the entity type."""
    name = clean_name(answer.text, max_len=200)
    if name is None:
        retry = turn.t("Please type the name (2–200 characters), e.g. HTX Tôm khô Rạch Gốc.")
        return Retry(not_a_name(turn, answer.text) + retry)
    turn.form["producer_name"] = name
    return Go("entity_type")


async def ask_entity_type(turn: Turn) -> list[Reply]:
    """Asks what kind of entity the producer is."""
    choices = tuple(Choice(turn.t(label), value) for value, label in ENTITY_LABELS.items())
    return [Reply(turn.t("What kind of producer are you?"), choices=choices)]


async def on_entity_type(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the entity type; an unregistered producer is told what that means first."""
    if answer.choice not in ENTITY_LABELS:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    turn.form["entity_type"] = answer.choice
    if answer.choice == "unregistered":
        return Go("unregistered_info", keep_going=True)
    return Go("phone")


async def ask_unregistered_info(turn: Turn) -> list[Reply]:
    """Explains what being unregistered means for evaluation and what can be done now."""
    text = turn.t(
        "Good to know. OCOP evaluates products of registered producers (enterprises, "
        "cooperatives, cooperative groups or registered household businesses), so you cannot "
        "submit a product yet. Meanwhile you can prepare: register a household business or a "
        "cooperative (ask your commune), and start your dossier here. Please check the details "
        "with your commune officer."
    )
    return [Reply(text, choices=(Choice(turn.t("Continue"), "continue"),))]


async def on_unregistered_info(turn: Turn, answer: Answer) -> Go | Retry:
    """Moves on to the phone number."""
    if answer.choice != "continue" and not answer.text:
        return Retry(turn.t("Tap “Continue” when you are ready."))
    return Go("phone")


async def ask_phone(turn: Turn) -> list[Reply]:
    """Asks for a phone number, offering the channel's share-contact button."""
    return [
        Reply(
            turn.t("What phone number can the commune officer call? Type it, e.g. 0912 345 678."),
            request_contact=turn.t("📱 Share my phone number"),
        )
    ]


async def on_phone(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the phone as 0xxxxxxxxx and asks for the province."""
    raw = answer.contact.phone if answer.contact else answer.text
    phone = normalise_phone(raw)
    if phone is None:
        return Retry(
            turn.t(
                "That does not look like a Vietnamese phone number. "
                "Please type 10 digits, e.g. 0912 345 678 or +84 912 345 678."
            )
        )
    turn.form["phone"] = phone
    return Go("province")


async def ask_province(turn: Turn) -> list[Reply]:
    """Asks for the province, Cà Mau by default."""
    return [
        Reply(
            turn.t("Which province are you in? Tap Cà Mau or type the name of another province."),
            choices=(Choice(HOME_PROVINCE, "home"),),
        )
    ]


async def on_province(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the province and asks for the commune or ward."""
    if answer.choice == "home":
        turn.form["province"] = HOME_PROVINCE
        return Go("commune")
    name = clean_name(answer.text, max_len=80)
    if name is None:
        return Retry(turn.t("Please type the province name, e.g. Cà Mau."))
    turn.form["province"] = HOME_PROVINCE if fold(name) in ("ca mau", "tinh ca mau") else name
    return Go("commune")


async def ask_commune(turn: Turn) -> list[Reply]:
    """Asks for the commune or ward."""
    return [Reply(turn.t("Which commune or ward (xã/phường)? E.g. Tân Thành."))]


async def on_commune(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores a commune named as on the list; anything else is checked against the list first."""
    name = clean_name(answer.text, max_len=120)
    if name is None:
        return Retry(turn.t("Please type the name of your commune or ward."))
    turn.form.pop("commune_options", None)
    if turn.form.get("province") == HOME_PROVINCE and library(turn).communes.names:
        matches = library(turn).communes.match(name)
        if len(matches) == 1 and fold(matches[0]).endswith(fold(name)):
            turn.form["commune"] = matches[0]
            return Go("product_name")
        turn.form["commune_typed"] = name
        turn.form["commune_options"] = matches
        return Go("commune_pick", keep_going=True)
    turn.form["commune"] = name
    return Go("product_name")


async def ask_commune_pick(turn: Turn) -> list[Reply]:
    """Offers the closest listed communes (or says there are none) and keeping what was typed."""
    options = turn.form.get("commune_options", [])
    typed = turn.form.get("commune_typed", "")
    choices = [Choice(name, f"commune:{i}") for i, name in enumerate(options)]
    choices.append(Choice(turn.t("Keep “{typed}”", typed=typed), "keep"))
    if options:
        text = turn.t("Did you mean one of these?")
    else:
        communes = library(turn).communes
        text = turn.t(
            "“{typed}” is not on the list of the {n} communes and wards of {province} "
            "(since the merger of 1 July 2025 many have new names). Please type the current "
            "name, or keep what you typed.",
            typed=typed,
            n=len(communes.names),
            province=communes.province_name or HOME_PROVINCE,
        )
    return [Reply(text, choices=tuple(choices))]


async def on_commune_pick(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the chosen commune, or checks a newly typed one."""
    options = turn.form.get("commune_options", [])
    if answer.choice == "keep":
        turn.form["commune"] = turn.form.get("commune_typed", "")
    elif answer.choice and answer.choice.startswith("commune:"):
        index = int(answer.choice.split(":", 1)[1])
        if not 0 <= index < len(options):
            return Retry(turn.t("Please choose one of the options (type its number)."))
        turn.form["commune"] = options[index]
    else:
        return await on_commune(turn, answer)
    turn.form.pop("commune_options", None)
    turn.form.pop("commune_typed", None)
    return Go("product_name")


PROFILE_STEPS: tuple[Step, ...] = (
    Step("representative", ask_representative, on_representative),
    Step("producer_name", ask_producer_name, on_producer_name),
    Step("entity_type", ask_entity_type, on_entity_type),
    Step("unregistered_info", ask_unregistered_info, on_unregistered_info),
    Step("phone", ask_phone, on_phone),
    Step("province", ask_province, on_province),
    Step("commune", ask_commune, on_commune),
    Step("commune_pick", ask_commune_pick, on_commune_pick, transient=True),
)
"""The profile questions, in order, as used by the registration and profile flows."""
