"""The `ocop-bot` command line: the parser and dispatch in `main`, one module per command group."""

from bot.cli.main import main

__all__ = ["main"]
