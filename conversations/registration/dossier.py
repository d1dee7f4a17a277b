"""The dossier walkthrough: one checklist item at a time, with photos/PDFs, progress and gaps.

States are "dossier:<step>". The form holds the product id and the current item; statuses and
files are written to the database as soon as they are given, so nothing waits for the end.
"""

from __future__ import annotations

from sqlmodel import select

from conversations.faq.tables import Escalation
from conversations.flow import END, Flow, Go, Retry, Step
from conversations.i18n import N_
from conversations.messages import Choice, Reply
from conversations.officers.inbox import REPLY_WORKING_DAYS
from conversations.registration import dossier_store, producer_store
from conversations.registration.dossier_gaps import missing_items, missing_page
from conversations.registration.tables import Product
from conversations.turn import Answer, Turn, library
from knowledge.checklist import ChecklistItem

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pick_product": ("evaluation_type", "overview"),
    "evaluation_type": ("overview",),
    "overview": (END, "item", "overview", "evaluation_type"),
    "item": ("item", "upload", "how_to", "overview"),
    "upload": ("item", "overview", "upload"),
    "how_to": ("item", "overview"),
}

ACCEPTED_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_FILE_BYTES = 20 * 1024 * 1024
STATUS_MARKS = {"have": "✅", "in_progress": "⏳", "dont_have": "❌", "skipped": "⏭️"}
STATUS_LABELS = {
    "have": N_("✅ I have it"),
    "in_progress": N_("⏳ In progress"),
    "dont_have": N_("❌ I don't have it"),
    "skipped": N_("⏭️ Skip"),
}


async def _product(turn: Turn) -> Product | None:
    product = await turn.session.get(Product, turn.form.get("product_id"))
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    if product is None or producer is None or product.producer_id != producer.id:
        return None
    return product


def _items(turn: Turn, product: Product) -> list[ChecklistItem]:
    kind = product.evaluation_type or "first"
    return library(turn).checklist.items_for(kind, product.group_id, product.set_id)


def _next_item(items: list[ChecklistItem], state: dict[str, str], after: str | None) -> str | None:
    """The next item not yet answered after `after`, wrapping round; None when all are."""
    ids = [i.id for i in items]
    start = ids.index(after) + 1 if after in ids else 0
    for item_id in ids[start:] + ids[:start]:
        if state.get(item_id) not in dossier_store.ANSWERED:
            return item_id
    return None


async def ask_pick_product(turn: Turn) -> list[Reply]:
    """Asks which product's dossier to open."""
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    products = await producer_store.products_of(turn.session, producer.id if producer else None)
    choices = tuple(Choice(p.name, f"product:{p.id}") for p in products)
    return [Reply(turn.t("Which product's dossier?"), choices=choices)]


async def on_pick_product(turn: Turn, answer: Answer) -> Go | Retry:
    """Opens the chosen product, asking the evaluation type the first time."""
    value = answer.choice or ""
    if not value.startswith("product:"):
        return Retry(turn.t("Please choose one of the options (type its number)."))
    turn.form["product_id"] = int(value.split(":", 1)[1])
    product = await _product(turn)
    if product is None:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    return Go("overview" if product.evaluation_type else "evaluation_type")


async def ask_evaluation_type(turn: Turn) -> list[Reply]:
    """Asks whether this is a first evaluation, an upgrade or a re-evaluation."""
    lang = turn.t.locale
    types = library(turn).checklist.evaluation_types
    choices = tuple(Choice(e.name[lang], f"type:{e.id}") for e in types)
    return [Reply(turn.t("Which evaluation are you preparing for?"), choices=choices)]


async def on_evaluation_type(turn: Turn, answer: Answer) -> Go | Retry:
    """Stores the evaluation type on the product and shows the overview."""
    kind = (answer.choice or "").removeprefix("type:")
    product = await _product(turn)
    if product is None or library(turn).checklist.evaluation_type(kind) is None:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    product.evaluation_type = kind
    turn.session.add(product)
    return Go("overview")


async def ask_overview(turn: Turn) -> list[Reply]:
    """Shows the missing items asked for (five at a time), the progress and the ways on."""
    product = await _product(turn)
    if product is None:
        return [Reply(turn.t("I can't find that product any more."))]
    items = _items(turn, product)
    state = await dossier_store.statuses(turn.session, product.id or 0)
    replies: list[Reply] = []
    start = turn.form.pop("missing_from", None)
    if isinstance(start, int):
        # A page is shown once; asked again (after an FAQ answer) only its "see more" stays.
        turn.form.pop("missing_next", None)
        page, following = missing_page(turn, items, state, start)
        replies.append(Reply(page))
        if following is not None:
            turn.form["missing_next"] = following
    p = dossier_store.progress(items, state)
    text = turn.t(
        "Dossier of “{product}”\n{bar} {done}/{total} required items ✓\n"
        "Point-earning evidence: {edone}/{etotal}",
        product=product.name,
        bar=p.bar(),
        done=p.required_done,
        total=p.required_total,
        edone=p.evidence_done,
        etotal=p.evidence_total,
    )
    before = [i for i in items if i.before_evaluation]
    if before:
        ready = sum(1 for i in before if state.get(i.id) in dossier_store.DONE)
        text = (
            turn.t(
                "⚠️ Legal papers required before evaluation: {done}/{total} ready",
                done=ready,
                total=len(before),
            )
            + "\n"
            + text
        )
    more: tuple[Choice, ...] = ()
    if "missing_next" in turn.form:
        left = len(missing_items(items, state)) - turn.form["missing_next"]
        more = (Choice(turn.t("➡️ See more ({n} more)", n=left), "missing_more"),)
    choices = (
        *more,
        Choice(turn.t("▶️ Go through the items"), "walk"),
        Choice(turn.t("📋 What is still missing?"), "missing"),
        Choice(turn.t("📤 Summary for the commune officer"), "forward"),
        Choice(turn.t("🔁 Change the evaluation type"), "type"),
        Choice(turn.t("🏠 Main menu"), "done"),
    )
    return [*replies, Reply(text, choices=choices)]


async def _listing(turn: Turn, product: Product) -> str:
    items = _items(turn, product)
    state = await dossier_store.statuses(turn.session, product.id or 0)
    files = await dossier_store.file_counts(turn.session, product.id or 0)
    lang = turn.t.locale
    lines = []
    for item in sorted(items, key=lambda i: not i.before_evaluation):  # legal papers first
        status = state.get(item.id, "missing")
        mark = STATUS_MARKS.get(status, "⬜")
        star = "" if item.kind == "required" else " (+)"
        extra = f" 📎{files[item.id]}" if files.get(item.id) else ""
        lines.append(f"{mark} {item.name[lang]}{star}{extra}")
    return "\n".join(lines)


OVERVIEW_CHOICES = frozenset({"done", "walk", "type", "missing", "missing_more", "forward"})


async def on_overview(turn: Turn, answer: Answer) -> Go | Retry:
    """Walks the items, lists the gaps, writes a summary, or leaves."""
    product = await _product(turn)
    if product is not None and answer.choice not in OVERVIEW_CHOICES:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    page_after = turn.form.pop("missing_next", 0)
    turn.form.pop("missing_from", None)  # the page shown is left behind whatever is chosen
    if product is None or answer.choice == "done":
        return Go(END)
    if answer.choice == "walk":
        state = await dossier_store.statuses(turn.session, product.id or 0)
        items = _items(turn, product)
        turn.form["item"] = _next_item(items, state, None) or items[0].id
        return Go("item")
    if answer.choice == "type":
        return Go("evaluation_type")
    if answer.choice == "missing":
        turn.form["missing_from"] = 0
        return Go("overview")
    if answer.choice == "missing_more":
        turn.form["missing_from"] = page_after
        return Go("overview")
    return Go("overview", await _forward(turn, product))


async def _forward(turn: Turn, product: Product) -> tuple[Reply, ...]:
    """The dossier's summary, put in the officers' inbox (once per content) and shown."""
    producer = await producer_store.producer_of(turn.session, turn.user.id)
    listing = await _listing(turn, product)
    kind = library(turn).checklist.evaluation_type(product.evaluation_type or "first")
    head = turn.t(
        "OCOP dossier — {product}\nProducer: {producer} ({phone}), {commune}\n"
        "Representative: {representative}\nEvaluation: {kind}",
        product=product.name,
        producer=producer.name if producer else "",
        phone=producer.phone if producer else "",
        commune=producer.commune if producer else "",
        representative=producer.representative if producer else "",
        kind=kind.name[turn.t.locale] if kind else "",
    )
    summary = f"📤 {head}\n\n{listing}"[:4000]
    waiting = select(Escalation).where(
        Escalation.user_id == turn.user.id,
        Escalation.question == summary,
        Escalation.status == "open",
    )
    if (await turn.session.exec(waiting)).first() is None:
        turn.session.add(
            Escalation(
                user_id=turn.user.id, question=summary, lang=turn.t.locale, created_at=turn.now
            )
        )
    note = turn.t(
        "Sent to the OCOP officers' inbox, with your commune ({commune}). "
        "Officers usually answer within {days} working days; the answer will come here.",
        commune=producer.commune if producer else "—",
        days=REPLY_WORKING_DAYS,
    )
    return (Reply(summary), Reply(note))


async def ask_item(turn: Turn) -> list[Reply]:
    """Shows one checklist item: what it is, why it matters, with the answers possible."""
    item = library(turn).checklist.item(turn.form.get("item", ""))
    if item is None:
        return [Reply(turn.t("This checklist item no longer exists."))]
    lang = turn.t.locale
    kind = turn.t("Required") if item.kind == "required" else turn.t("Earns points")
    if item.before_evaluation:
        kind = turn.t("Required before evaluation")
    lines = [f"📄 {item.name[lang]} · {kind}", item.what[lang], f"🎯 {item.why[lang]}"]
    if item.hedge:
        lines.append(f"⚠️ {item.hedge[lang]}")
    choices = tuple(Choice(turn.t(label), f"status:{s}") for s, label in STATUS_LABELS.items())
    back = Choice(turn.t("📂 Overview"), "overview")
    return [Reply("\n\n".join(lines), choices=(*choices, back))]


async def on_item(turn: Turn, answer: Answer) -> Go | Retry:
    """Records the answer for the item and moves on."""
    product = await _product(turn)
    item_id = turn.form.get("item", "")
    if product is None or answer.choice == "overview":
        return Go("overview")
    if answer.attachment is not None:
        return await on_upload(turn, answer)
    status = (answer.choice or "").removeprefix("status:")
    if status not in STATUS_LABELS:
        return Retry(turn.t("Please choose one of the options (type its number)."))
    if status == "have":
        return Go("upload")
    await dossier_store.set_status(turn.session, product.id or 0, item_id, status, turn.now)
    if status == "dont_have":
        return Go("how_to")
    return await _advance(turn, product)


async def _advance(turn: Turn, product: Product, say: tuple[Reply, ...] = ()) -> Go:
    state = await dossier_store.statuses(turn.session, product.id or 0)
    following = _next_item(_items(turn, product), state, turn.form.get("item"))
    if following is None:
        done = Reply(turn.t("That was the last item. 👏"))
        return Go("overview", (*say, done))
    turn.form["item"] = following
    return Go("item", say)


async def ask_upload(turn: Turn) -> list[Reply]:
    """Asks for a photo or PDF of the item."""
    item = library(turn).checklist.item(turn.form.get("item", ""))
    name = item.name[turn.t.locale] if item else ""
    choices = (
        Choice(turn.t("✔️ Mark as had, no file"), "nofile"),
        Choice(turn.t("↩️ Back to the item"), "back"),
    )
    return [Reply(turn.t("Please send a photo or a PDF of: {name}", name=name), choices=choices)]


async def on_upload(turn: Turn, answer: Answer) -> Go | Retry:
    """Keeps a photo or PDF for the item (type and size checked) and moves on."""
    product = await _product(turn)
    if product is None:
        return Go("overview")
    item_id = turn.form.get("item", "")
    if answer.choice == "back":
        return Go("item")
    if answer.choice == "nofile":
        await dossier_store.set_status(turn.session, product.id or 0, item_id, "have", turn.now)
        return await _advance(turn, product)
    attachment = answer.attachment
    if attachment is None:
        return Retry(turn.t("Please send a photo or a PDF file (or tap “Mark as had, no file”)."))
    mime = attachment.mime_type or ("image/jpeg" if attachment.kind == "photo" else "")
    if mime not in ACCEPTED_TYPES:
        return Retry(
            turn.t(
                "I can only keep photos (JPG, PNG) and PDF files. "
                "Please send the document as a photo or a PDF."
            )
        )
    if attachment.size > MAX_FILE_BYTES:
        return Retry(turn.t("That file is larger than 20 MB. Please send a smaller photo or PDF."))
    await dossier_store.attach(
        turn.session, product.id or 0, item_id, turn.incoming.channel, attachment, turn.now
    )
    return await _advance(turn, product, (Reply(turn.t("Received and kept. ✅")),))


async def ask_how_to(turn: Turn) -> list[Reply]:
    """Tells where to get the item and a tip."""
    item = library(turn).checklist.item(turn.form.get("item", ""))
    if item is None:
        return [Reply(turn.t("This checklist item no longer exists."))]
    lang = turn.t.locale
    text = f"📍 {item.where[lang]}\n\n💡 {item.tip[lang]}"
    choices = (Choice(turn.t("➡️ Next item"), "next"), Choice(turn.t("📂 Overview"), "overview"))
    return [Reply(text, choices=choices)]


async def on_how_to(turn: Turn, answer: Answer) -> Go | Retry:
    """Moves on to the next item or back to the overview."""
    product = await _product(turn)
    if product is None or answer.choice == "overview":
        return Go("overview")
    if answer.choice != "next":
        return Retry(turn.t("Please choose one of the options (type its number)."))
    return await _advance(turn, product)


FLOW = Flow(
    name="dossier",
    steps=(
        Step("pick_product", ask_pick_product, on_pick_product),
        Step("evaluation_type", ask_evaluation_type, on_evaluation_type),
        Step("overview", ask_overview, on_overview),
        Step("item", ask_item, on_item),
        Step("upload", ask_upload, on_upload),
        Step("how_to", ask_how_to, on_how_to),
    ),
    transitions=TRANSITIONS,
)
