"""Names shown for stored codes (stages, entity types, statuses); translated in the templates."""

from __future__ import annotations

from conversations.announcements.audience import CHANNEL_LABELS
from conversations.i18n import N_

STAGES = {"idea": N_("Idea"), "producing": N_("Producing"), "rated": N_("Rated")}
NO_PRODUCT = N_("No product yet")
ENTITY_TYPES = {
    "enterprise": N_("Enterprise"),
    "cooperative": N_("Cooperative"),
    "cooperative_group": N_("Cooperative group"),
    "household": N_("Household business"),
    "unregistered": N_("Not registered"),
}
COMPLETENESS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "complete": N_("Complete"),
}
PRODUCT_STEPS = {
    "not_started": N_("Not started"),
    "started": N_("Less than half"),
    "half": N_("Half or more"),
    "complete": N_("All required items"),
}
ITEM_STATES = {
    "missing": N_("Missing"),
    "have": N_("Have it"),
    "in_progress": N_("Getting it"),
    "dont_have": N_("Don't have it"),
    "skipped": N_("Skipped"),
}
KNOWLEDGE_KINDS = {
    "faq": N_("FAQ entries"),
    "checklist_item": N_("Checklist items"),
    "milestone": N_("Calendar milestones"),
    "regime": N_("Rule regimes"),
}
KNOWLEDGE_STATUSES = {"live": N_("Published"), "draft": N_("Draft"), "retired": N_("Retired")}
KNOWLEDGE_ACTIONS = {
    "seed": N_("From the files"),
    "publish": N_("Published"),
    "draft": N_("Draft saved"),
    "retire": N_("Retired"),
    "restore": N_("Restored"),
    "import": N_("Imported"),
}
OUTBOX = {
    "pending": N_("Waiting"),
    "sending": N_("Sending"),
    "sent": N_("Delivered"),
    "failed": N_("Failed"),
    "blocked": N_("Blocked the bot"),
    "window_closed": N_("Outside the Zalo window"),
    "no_channel": N_("No chat channel"),
    "cancelled": N_("Cancelled"),
}
OUTCOMES = {
    "send": N_("Will receive"),
    "opted_out": N_("Stopped announcements"),
    "unreachable": N_("Unreachable"),
    "window_closed": N_("Outside the Zalo window"),
}
DELIVERY_REASONS = {
    "window": N_("Outside the reply window"),
    "quota": N_("Zalo quota used up"),
    "night": N_("Promotion refused at night"),
    "opted_out": N_("User refused this kind of message"),
    "policy": N_("Against Zalo's rules"),
    "billing": N_("Zalo Cloud Account has no money"),
    "blocked": N_("Blocked the bot"),
    "gave_up": N_("Retried until no longer allowed"),
    "no_channel": N_("No chat channel"),
}
BROADCAST = {
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}
CHANNELS = CHANNEL_LABELS
KINDS = {
    "announcement": N_("Announcement"),
    "officer_answer": N_("Officer's answer"),
    "dossier_deadline": N_("Dossier deadline"),
    "council_round": N_("Evaluation round"),
    "certificate_expiry": N_("Certificate expiry"),
    "quiz_review": N_("Quiz review"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The msgid for `code` in `table`, or the code itself when unknown."""
    return table.get(code or "", code or "")
