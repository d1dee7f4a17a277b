"""The role names and the channels an officer can be named on (no database code: the command
line builds its options from them without importing the tables)."""

from __future__ import annotations

OFFICER = "officer"
EDITOR = "editor"
"""May edit the knowledge on the dashboard, but not broadcast, answer producers or export
personal data."""
STAFF = (OFFICER, EDITOR)
USER = "user"
CHANNELS = ("telegram", "zalo", "web", "terminal")
