"""Steps that ask about one product; shared by the registration and add-product flows."""

from __future__ import annotations

from datetime import date

from conversations.flow import Go, Retry, Step
from conversations.messages import Choice, Reply
from conversations.parsing import clean_name, date_parts, parse_date
from conversations.registration.producer_store import add_months, certificate_expiry
from conversations.registration.profile_steps import not_a_name
from conversations.registration.tables import STAGE_LABELS
from conversations.turn import Answer, Turn, library
from knowledge.folding import fold


def edit_choices(turn: Turn) -> tuple[Choice, ...]:
    """The product summary's buttons that reopen a part of the product."""
    return (
        Choice("✏️ " + turn.t("Product name"), "field:product_name"),
        Choice("✏️ " + turn.t("Group and set"), "field:product_group"),
        Choice("✏️ " + turn.t("Stage and stars"), "field:stage"),
    )


async def ask_product_name(turn: Turn) -> list[Reply]:
    """Asks for the product's name."""
    return [Reply(turn.t("What is the product? (e.g. Tôm khô Rạch Gốc, Mật ong rừng U Minh)"))]


async def on_product_name(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the product name and asks for its group."""
    name = clean_name(answer.text, max_len=200)
    if name is None:
        retry = turn.t("Please type the product's name (2–200 characters).")
        return Retry(not_a_name(turn, answer.text) + retry)
    turn.form["product_name"] = name
    return Go("product_group")


def _suggestion(turn: Turn) -> str | None:
    sets = library(turn).products.suggest_sets(turn.form.get("product_name", ""), turn.t.locale)
    return sets[0].id if sets else None


async def ask_product_group(turn: Turn) -> list[Reply]:
    """Asks for the product group (6), offering the set suggested by the product's name last."""
    products = library(turn).products
    lang = turn.t.locale
    choices = [Choice(g.name[lang], f"group:{g.id}") for g in products.groups]
    text = turn.t("Which OCOP product group is it in?")
    suggested = _suggestion(turn)
    found = products.set(suggested) if suggested else None
    if found:
        group = products.group(found.group_id)
        text += "\n" + turn.t(
            "✨ Suggestion for “{product}”: {group} › {set}",
            product=turn.form.get("product_name", ""),
            group=group.name[lang] if group else "",
            set=found.name[lang],
        )
        choices.append(Choice(turn.t("✨ Use the suggestion"), f"suggest:{found.id}"))
    return [Reply(text, choices=tuple(choices))]


async def on_product_group(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the group (and the set, for a suggestion) and asks for the set."""
    products = library(turn).products
    value = answer.choice or ""
    if value.startswith("suggest:") and products.set(value[8:]):
        chosen = products.set(value[8:])
        assert chosen is not None
        turn.form["product_group"] = chosen.group_id
        turn.form["product_set"] = chosen.id
        return Go("stage")
    group = products.group(value[6:]) if value.startswith("group:") else None
    if group is None and answer.text:
        group = products.match_group(answer.text, turn.t.locale)
    if group is None:
        return Retry(turn.t("Please choose one of the six groups (type its number)."))
    if turn.form.get("product_group") != group.id:
        turn.form.pop("product_set", None)
    turn.form["product_group"] = group.id
    return Go("product_set", keep_going=True)


async def ask_product_set(turn: Turn) -> list[Reply]:
    """Asks for the product set within the chosen group."""
    lang = turn.t.locale
    sets = library(turn).products.sets_in(turn.form.get("product_group", ""))
    choices = tuple(Choice(s.name[lang], f"set:{s.id}") for s in sets)
    return [Reply(turn.t("Which product set (bộ sản phẩm)?"), choices=choices)]


async def on_product_set(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the set and asks for the stage."""
    products = library(turn).products
    group_id = turn.form.get("product_group")
    value = answer.choice or ""
    chosen = products.set(value[4:]) if value.startswith("set:") else None
    if chosen is None and answer.text:
        chosen = products.match_set(answer.text, group_id, turn.t.locale)
    if chosen is None or chosen.group_id != group_id:
        return Retry(turn.t("Please choose one of the sets (type its number)."))
    turn.form["product_set"] = chosen.id
    return Go("stage")


async def ask_stage(turn: Turn) -> list[Reply]:
    """Asks how far the product is."""
    choices = tuple(Choice(turn.t(label), value) for value, label in STAGE_LABELS.items())
    return [Reply(turn.t("Where is the product now?"), choices=choices)]


async def on_stage(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the stage; a rated product goes on to its stars."""
    if answer.choice not in STAGE_LABELS:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    turn.form["stage"] = answer.choice
    if answer.choice == "rated":
        return Go("stars", keep_going=True)
    for key in ("stars", "decision_number", "decision_date", "valid_until", "valid_unknown"):
        turn.form.pop(key, None)
    return Go("summary")


async def ask_stars(turn: Turn) -> list[Reply]:
    """Asks how many stars the product was recognised with."""
    choices = tuple(Choice(f"{n} ⭐", f"stars:{n}") for n in (3, 4, 5))
    return [Reply(turn.t("How many stars was it recognised with?"), choices=choices)]


async def on_stars(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the stars and asks for the decision number."""
    value = answer.choice or ""
    if not value.startswith("stars:"):
        digits = answer.text.strip().rstrip("*⭐ ").strip()
        value = f"stars:{digits}" if digits in ("3", "4", "5") else ""
    if not value:
        return Retry(turn.t("Please choose 3, 4 or 5 stars."))
    turn.form["stars"] = int(value[6:])
    return Go("decision_number", keep_going=True)


async def ask_decision_number(turn: Turn) -> list[Reply]:
    """Asks for the recognition decision's number (optional)."""
    return [
        Reply(
            turn.t(
                "What is the number of the recognition decision? "
                "(e.g. 1234/QĐ-UBND; type “bỏ qua” if you don't have it at hand)"
            )
        )
    ]


async def on_decision_number(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the decision number and asks for its date."""
    number = " ".join(answer.text.split())
    if not 2 <= len(number) <= 80:
        return Retry(turn.t("Please type the decision number, or “bỏ qua”."))
    turn.form["decision_number"] = number
    return Go("decision_date", keep_going=True)


async def ask_decision_date(turn: Turn) -> list[Reply]:
    """Asks for the decision's date."""
    return [
        Reply(
            turn.t(
                "On what date was the recognition decision signed? (dd/mm/yyyy, e.g. 15/03/2024)"
            )
        )
    ]


def date_retry(turn: Turn, typed: str, usual: str) -> Retry:
    """The retry for a date: says so when the typed day and month cannot exist (31/02)."""
    parts = date_parts(typed)
    if parts is not None and parts.real() is None:
        shown = f"{parts.day:02d}/{parts.month:02d}/{parts.year}"
        return Retry(
            turn.t("There is no date {date}: please check the day and month.", date=shown)
            + " "
            + usual
        )
    return Retry(usual)


async def on_decision_date(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the decision date and asks for the validity date on the certificate."""
    day = parse_date(answer.text)
    if day is None or day.year < 2018 or day > turn.now.date():
        usual = turn.t("Please type a past date as dd/mm/yyyy, e.g. 15/03/2024.")
        return date_retry(turn, answer.text, usual)
    turn.form["decision_date"] = day.isoformat()
    return Go("valid_until", keep_going=True)


UNKNOWN_WORDS = frozenset(
    {
        "khong ro", "ko ro", "k ro", "khong biet", "ko biet", "k biet", "chua biet",
        "khong nho", "ko nho", "quen roi", "don't know", "dont know", "not sure", "unknown",
    }
)  # fmt: skip
"""Folded ways of saying "I don't know" to the validity date."""


async def ask_valid_until(turn: Turn) -> list[Reply]:
    """Asks for the validity end date printed on the certificate, "không rõ" allowed."""
    text = turn.t(
        "Until what date is the certificate valid? Please type the date printed on it "
        "(dd/mm/yyyy). If you don't know, tap “I don't know”."
    )
    return [Reply(text, choices=(Choice(turn.t("🤷 I don't know"), "unknown"),))]


async def on_valid_until(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the printed validity date, or notes it is unknown (the expiry is then estimated)."""
    decided = turn.form.get("decision_date")
    if answer.choice == "unknown" or fold(answer.text).strip(" .!?") in UNKNOWN_WORDS:
        turn.form.pop("valid_until", None)
        turn.form["valid_unknown"] = True
        estimate = certificate_expiry(date.fromisoformat(decided)) if decided else None
        if estimate is None:
            note = turn.t("All right. Without the dates I cannot remind you before it ends.")
        else:
            note = turn.t(
                "All right. I will estimate the end as 36 months after the decision: {date}. "
                "This is only an estimate; the date on the certificate counts.",
                date=turn.t.date(estimate),
            )
        return Go("summary", (Reply(note),))
    day = parse_date(answer.text)
    usual = turn.t(
        "Please type the date printed on the certificate as dd/mm/yyyy, e.g. 05/02/2029, "
        "or “không rõ”."
    )
    if day is None:
        return date_retry(turn, answer.text, usual)
    start = date.fromisoformat(decided) if decided else date(2018, 1, 1)
    if day <= start or day > add_months(start, 72):
        return Retry(
            turn.t(
                "That date does not fit: the certificate ends after the decision date, "
                "usually about 3 years later."
            )
            + " "
            + usual
        )
    turn.form["valid_until"] = day.isoformat()
    turn.form.pop("valid_unknown", None)
    return Go("summary")


PRODUCT_STEPS: tuple[Step, ...] = (
    Step("product_name", ask_product_name, on_product_name),
    Step("product_group", ask_product_group, on_product_group),
    Step("product_set", ask_product_set, on_product_set),
    Step("stage", ask_stage, on_stage),
    Step("stars", ask_stars, on_stars),
    Step(
        "decision_number",
        ask_decision_number,
        on_decision_number,
        optional=True,
        field="decision_number",
    ),
    Step(
        "decision_date", ask_decision_date, on_decision_date, optional=True, field="decision_date"
    ),
    Step("valid_until", ask_valid_until, on_valid_until, optional=True, field="valid_until"),
)
"""The product questions, in order, as used by the registration and add-product flows."""
