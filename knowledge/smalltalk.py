"""Greetings, thanks and out-of-scope questions, recognised before any FAQ search."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from knowledge.content import localized, read_yaml, relative_name
from knowledge.normalise import (
    FILLERS,
    LEADING_FILLERS,
    analyse,
    clauses,
    fold_syllable,
    syllables,
)
from knowledge.phrases import PhraseMatch, PhraseMatcher
from knowledge.problems import Problem

SmalltalkKind = Literal["greeting", "thanks", "out_of_scope", "empty"]
_FILE_KEYS = frozenset({"greeting", "thanks", "courtesy", "ocop_signals", "domain_words",
                        "out_of_scope"})
_TOPIC_KEYS = frozenset({"id", "phrases", "reply", "strict"})


@dataclass(frozen=True, slots=True)
class SmalltalkTopic:
    """A kind of message that is not an OCOP question, with the short reply it gets."""

    id: str
    kind: SmalltalkKind
    phrases: tuple[str, ...]
    reply: dict[str, str]
    strict: bool = False  # only a clear OCOP signal ("ocop", "3 sao") brings it back in scope


@dataclass(frozen=True, slots=True)
class SmalltalkMatch:
    """What `Smalltalk.classify` found: a kind (None: an OCOP question) and the text left over."""

    kind: SmalltalkKind | None
    topic: SmalltalkTopic | None
    rest: str


class Smalltalk:
    """Recognises greetings, thanks and out-of-scope questions by accent-aware phrases."""

    def __init__(
        self,
        topics: list[SmalltalkTopic],
        courtesy: tuple[str, ...] = (),
        ocop_signals: tuple[str, ...] = (),
        domain_words: tuple[str, ...] = (),
    ) -> None:
        self.topics = tuple(topics)
        social = [(p, t) for t in topics if t.kind in ("greeting", "thanks") for p in t.phrases]
        self._social = PhraseMatcher[SmalltalkTopic | None](
            [*social, *((w, None) for w in (*courtesy, *FILLERS, *LEADING_FILLERS))]
        )
        self._off = PhraseMatcher(
            (p, t) for t in topics if t.kind == "out_of_scope" for p in t.phrases
        )
        self._strong = PhraseMatcher((s, True) for s in ocop_signals)
        self._weak = PhraseMatcher((s, True) for s in domain_words)

    def classify(self, text: str) -> SmalltalkMatch:
        """Say whether `text` is small talk; greetings around a question are cut off it."""
        said = syllables(text)
        if not said:
            return SmalltalkMatch("empty", None, "")
        folded = [fold_syllable(s) for s in said]
        found = self._social.scan(said, folded)
        social = [m.value for m in found if m.value is not None]
        if sum(m.end - m.start for m in found) == len(said):
            thanks = [t for t in social if t.kind == "thanks"]
            greeting = [t for t in self.topics if t.kind == "greeting"]
            topic = (thanks or social or greeting or [None])[0]
            return SmalltalkMatch(topic.kind if topic else "greeting", topic, "")
        rest = ", ".join(filter(None, (self._cut_social(part) for part in clauses(text))))
        off = self._off_topic(rest)
        return SmalltalkMatch("out_of_scope" if off else None, off, rest)

    def _cut_social(self, clause: str) -> str:
        """The clause without the greeting and thanks phrases that open or close it.

        Inside a question the same words mean something else: "bắt đầu" (/start) in "muốn
        vô OCOP thì bắt đầu sao", "ok" in "bao bì vậy ok không".
        """
        said = syllables(clause)
        found = self._social.scan(said, [fold_syllable(s) for s in said])
        edge: list[PhraseMatch[SmalltalkTopic | None]] = []
        reach = 0
        for match in found:  # the run of social words from the start
            if match.start != reach:
                break
            edge.append(match)
            reach = match.end
        reach = len(said)
        for match in reversed(found):  # and the run that ends the clause
            if match.end != reach:
                break
            edge.append(match)
            reach = match.start
        cut = {i for m in edge if m.value is not None for i in range(m.start, m.end)}
        return " ".join(s for i, s in enumerate(said) if i not in cut)

    def _off_topic(self, rest: str) -> SmalltalkTopic | None:
        said = syllables(rest)
        folded = [fold_syllable(s) for s in said]
        found = self._off.scan(said, folded)
        if not found:
            return None
        expanded = analyse(rest)
        views = ((said, folded), (expanded.accented, expanded.folded))
        if any(self._strong.scan(s, f) for s, f in views):
            return None
        topic = found[0].value
        if not topic.strict and any(self._weak.scan(s, f) for s, f in views):
            return None
        return topic


def _strings(
    value: Any, name: str, entry: str, field: str, problems: list[Problem], *, least: int = 0
) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or len(value) < least
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        problems.append(Problem(name, entry, field, "must be a list of non-empty strings"))
        return ()
    return tuple(v.strip() for v in value)


def _topic(
    raw: Any, kind: SmalltalkKind, name: str, problems: list[Problem]
) -> SmalltalkTopic | None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, kind, "", "must be a mapping with phrases and reply"))
        return None
    before = len(problems)
    entry = str(raw.get("id", kind))
    if kind == "out_of_scope" and not isinstance(raw.get("id"), str):
        problems.append(Problem(name, entry, "id", "missing"))
    for key in sorted(set(raw) - _TOPIC_KEYS, key=str):
        problems.append(Problem(name, entry, str(key), "unknown key"))
    phrases = _strings(raw.get("phrases"), name, entry, "phrases", problems, least=1)
    reply = localized(raw.get("reply"), name, entry, "reply", problems)
    strict = raw.get("strict", False)
    if not isinstance(strict, bool):
        problems.append(Problem(name, entry, "strict", "must be true or false"))
    if len(problems) > before or reply is None:
        return None
    return SmalltalkTopic(entry, kind, phrases, reply, bool(strict))


def load_smalltalk(root: Path, problems: list[Problem]) -> Smalltalk:
    """Read root/smalltalk.yaml; problems are appended and broken topics left out."""
    path = root / "smalltalk.yaml"
    name = relative_name(path, root)
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(name, "", "", "must be a mapping"))
        return Smalltalk([])
    for key in sorted(set(data) - _FILE_KEYS, key=str):
        problems.append(Problem(name, "", str(key), "unknown key"))
    topics: list[SmalltalkTopic] = []
    for kind in ("greeting", "thanks"):
        topic = _topic(data.get(kind), kind, name, problems)
        if topic is not None:
            topics.append(topic)
    off = data.get("out_of_scope")
    if not isinstance(off, list):
        problems.append(Problem(name, "", "out_of_scope", "must be a list of topics"))
        off = []
    seen: set[str] = set()
    for raw in off:
        topic = _topic(raw, "out_of_scope", name, problems)
        if topic is not None and topic.id in seen:
            problems.append(Problem(name, topic.id, "id", "duplicate topic id"))
        elif topic is not None:
            seen.add(topic.id)
            topics.append(topic)
    lists = {
        key: _strings(data.get(key, []), name, "", key, problems)
        for key in ("courtesy", "ocop_signals", "domain_words")
    }
    return Smalltalk(topics, lists["courtesy"], lists["ocop_signals"], lists["domain_words"])
