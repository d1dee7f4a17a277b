"""Reminders: planning a day from the rules and the calendar, and how users meet them in chat."""
