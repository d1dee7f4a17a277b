"""How the bot reaches people: channels, storage set-up, delivery, schedule, web, CLI, settings."""
