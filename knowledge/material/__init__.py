"""Training material as searchable text: files read page by page, split into passages, searched."""
