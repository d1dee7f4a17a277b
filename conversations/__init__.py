"""What the bot says and remembers: neutral messages, flows, the domain model, i18n, templates.

This package never imports `bot`, `telegram`, `httpx` or `starlette`.
"""
