"""What the bot knows: training material as data files, search, checklists, quiz bank, calendar.

This package imports neither `conversations` nor `bot`.
"""
