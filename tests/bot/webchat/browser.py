"""The chat page as a test drives it in Chromium: found by data-testid, never by wording."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from playwright.async_api import Dialog, Locator, Page, expect

from bot.channels.webchat.identity import COOKIE

if TYPE_CHECKING:
    from tests.bot.webchat.served import Served


@dataclass
class ChatPage:
    """One visitor's browser tab on /chat."""

    page: Page
    served: Served
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    async def on_dialog(self, dialog: Dialog) -> None:
        """No page of ours ever opens a dialog: one means injected script ran."""
        self.dialogs.append(dialog.message)
        self.errors.append(f"dialog opened: {dialog.message}")
        await dialog.dismiss()

    async def open(self, path: str = "/chat") -> None:
        """Load the page and wait until the bot has said something."""
        await self.page.goto(self.served.url + path)
        await expect(self.outgoing.first).to_be_visible()

    @property
    def outgoing(self) -> Locator:
        """The bot's messages."""
        return self.page.get_by_test_id("msg-out")

    @property
    def incoming(self) -> Locator:
        """The visitor's messages the server has stored."""
        return self.page.get_by_test_id("msg-in")

    @property
    def pending(self) -> Locator:
        """The visitor's messages not yet acknowledged by the server."""
        return self.page.get_by_test_id("msg-pending")

    @property
    def choices(self) -> Locator:
        """The buttons on offer now (older sets are hidden)."""
        return self.page.locator("[data-testid=choices]:not([hidden]) [data-testid=choice]")

    @property
    def notice(self) -> Locator:
        """The status line for problems (offline, refused file, too fast)."""
        return self.page.get_by_test_id("notice")

    @property
    def input(self) -> Locator:
        """The message box."""
        return self.page.get_by_test_id("input")

    async def type(self, text: str) -> None:
        """Type `text` and press Enter."""
        await self.input.fill(text)
        await self.input.press("Enter")

    async def tap(self, label: str) -> None:
        """Tap the button on offer whose label is `label`."""
        await self.choices.filter(has_text=label).first.click()

    async def labels(self) -> list[str]:
        """The labels of the buttons on offer."""
        labels = self.choices.locator(".label")
        return [label.strip() for label in await labels.all_inner_texts()]

    async def numbers(self) -> list[str]:
        """The numbers shown in front of the buttons on offer ("1.", "2." …)."""
        numbers = self.choices.locator(".n")
        return [n.strip() for n in await numbers.all_inner_texts()]

    async def visitor(self) -> str:
        """The visitor id in this browser's signed cookie."""
        cookies = await self.page.context.cookies()
        value = next(c["value"] for c in cookies if c["name"] == COOKIE)
        return self.served.visitor(value)

    async def last_out(self) -> str:
        """The text of the bot's latest message."""
        return (await self.outgoing.last.inner_text()).strip()
