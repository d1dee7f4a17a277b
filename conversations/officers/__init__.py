"""Officers: the role and invites, dashboard tables, the question inbox and the overview numbers."""
