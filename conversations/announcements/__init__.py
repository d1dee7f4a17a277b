"""Officers' announcements: composing in chat, the audience, broadcasts and their outbox rows."""
