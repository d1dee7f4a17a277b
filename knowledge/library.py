"""Everything the bot knows, loaded and validated together from the content folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.calendar import Calendar, ReminderRule, load_calendars, load_rules
from knowledge.checklist import Checklist, load_checklist
from knowledge.communes import Communes, load_communes
from knowledge.content import default_root
from knowledge.faq import FaqEntry, load_faq
from knowledge.problems import KnowledgeError, Problem
from knowledge.products import Products, load_products
from knowledge.quiz import QuizBank, load_quiz
from knowledge.retrieval import FaqIndex
from knowledge.rules import Rules, load_rules_file
from knowledge.smalltalk import Smalltalk, load_smalltalk
from knowledge.synonyms import Synonyms, load_synonyms


@dataclass(frozen=True, slots=True)
class Library:
    """The loaded knowledge: product groups and sets, the dossier checklist, communes."""

    products: Products
    checklist: Checklist
    communes: Communes
    calendars: tuple[Calendar, ...]
    reminder_rules: tuple[ReminderRule, ...]
    quiz: QuizBank
    faq: tuple[FaqEntry, ...]
    smalltalk: Smalltalk
    synonyms: Synonyms
    rules: Rules | None = None
    """The rule regimes and the current one (None when the content has no rules.yaml)."""

    def faq_index(self) -> FaqIndex:
        """Build the FAQ search index (about a second: do it once per process)."""
        return FaqIndex.build(self.faq, self.smalltalk, self.synonyms)

    def calendar(self, province_id: str, year: int) -> Calendar | None:
        """The cycle calendar of a province for a year, if there is one."""
        return next(
            (c for c in self.calendars if c.province_id == province_id and c.year == year), None
        )


def read_library(root: Path | None = None) -> tuple[Library, list[Problem]]:
    """Load every content file; return the library and every problem found."""
    root = root or default_root()
    problems: list[Problem] = []
    products = load_products(root, problems)
    faq = tuple(load_faq(root, problems))
    library = Library(
        products=products,
        checklist=load_checklist(root, problems, products),
        communes=load_communes(root, problems),
        calendars=load_calendars(root, problems),
        reminder_rules=load_rules(root, problems),
        quiz=load_quiz(root, problems),
        faq=faq,
        smalltalk=load_smalltalk(root, problems),
        synonyms=load_synonyms(root, problems),
        rules=load_rules_file(root, problems),
    )
    return library, problems


def load_library(root: Path | None = None) -> Library:
    """Load the library; raise `KnowledgeError` listing every problem when a file is broken."""
    library, problems = read_library(root)
    if problems:
        raise KnowledgeError(problems)
    return library
