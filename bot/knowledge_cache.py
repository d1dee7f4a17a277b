"""The compiled knowledge of this process: where it is kept (OCOP_CACHE_DIR, var/cache by
default) and what each build is keyed by, so the content actually served decides."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.compiled import CompiledCache, code_checksum, content_checksum
from knowledge.content import default_root

if TYPE_CHECKING:
    from knowledge.library import Library
    from knowledge.retrieval import FaqIndex


def cache_dir(setting: str) -> Path | None:
    """The folder named by the setting; None (no cache) when it is empty."""
    return Path(setting) if setting else None


@functools.cache
def shipped_key() -> str:
    """The shipped content files' checksum and that of the code that compiles them."""
    code = code_checksum("knowledge", "conversations.curation")
    return f"{content_checksum(default_root())}:{code}"


@functools.cache
def load_knowledge(directory: Path | None = None) -> tuple[Library, FaqIndex]:
    """The shipped knowledge library and its FAQ index, loaded once per process (on first use),
    from the compiled copy in `directory` when it was built from the same files.

    Raises `KnowledgeError` when content files are broken.
    """

    def build() -> tuple[Library, FaqIndex]:
        from knowledge.library import load_library

        library = load_library()
        return library, library.faq_index()

    return CompiledCache(directory).get("library", shipped_key(), build)
