"""What the Zalo channel is configured with: app and OA secrets, addresses, timings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.settings import Settings

CHANNEL = "zalo"
PHONE_CARD_PATH = "/zalo/phone-card.png"
"""Where the app serves the default picture of the share-your-phone card."""


@dataclass(frozen=True, slots=True)
class ZaloConfig:
    """The app linked to the OA, its secrets and initial tokens, and the channel's timings."""

    app_id: str
    app_secret: str
    oa_secret_key: str
    access_token: str = ""
    refresh_token: str = ""
    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"
    redirect_uri: str = ""
    reply_window: timedelta = timedelta(days=7)
    """platforms.md B5/B6: consultation messages fail with -230 after 7 days without a message."""
    max_event_age: timedelta = timedelta(days=1)
    """Signed events older (or further in the future) than this are refused; younger replays
    are dropped by their message id (kept `keep_done`, longer than this)."""
    info_image_url: str = ""
    refresh_margin: timedelta = timedelta(hours=6)
    """Refresh the access token (about 25 h long) when less than this remains (platforms.md B1)."""
    keep_fresh_every: float = 600.0
    """Seconds between background checks that refresh the token ahead of expiry."""
    refresh_pause: timedelta = timedelta(minutes=1)
    """After a failed refresh, wait this long before the next attempt (errors are recorded)."""
    http_timeout: float = 15.0
    rate_limit_wait: float = 30.0
    """Seconds to wait after Zalo's rate-limit error, which carries no retry-after."""
    drain_batch: int = 20
    drain_poll: float = 1.0
    """Seconds between looks for events stored by other processes (own events wake at once)."""
    claim_for: timedelta = timedelta(minutes=2)
    """An event taken by a worker that died is taken over after this long."""
    max_attempts: int = 6
    """Tries to handle an event (the engine failing on it); delivery is retried longer."""
    backoff: float = 2.0
    """Seconds before the first retry of an event that failed; doubled each attempt..."""
    max_backoff: float = 300.0
    """...up to this. Replies are retried until the reply window closes (an outage delays
    them, it does not lose them)."""
    keep_done: timedelta = timedelta(days=2)
    keep_failed: timedelta = timedelta(days=30)
    stop_grace: float = 8.0

    def __post_init__(self) -> None:
        if not (self.app_id and self.oa_secret_key and self.app_secret):
            raise ValueError("Zalo needs ZALO_APP_ID, ZALO_OA_SECRET_KEY and ZALO_APP_SECRET")

    @classmethod
    def from_settings(cls, settings: Settings) -> ZaloConfig:
        """The configuration given by the process settings (already validated there)."""
        return cls(
            app_id=settings.zalo_app_id,
            app_secret=settings.zalo_app_secret,
            oa_secret_key=settings.zalo_oa_secret_key,
            access_token=settings.zalo_access_token,
            refresh_token=settings.zalo_refresh_token,
            api_base_url=settings.zalo_api_base_url,
            oauth_base_url=settings.zalo_oauth_base_url,
            redirect_uri=settings.zalo_redirect_uri,
            reply_window=timedelta(hours=settings.zalo_reply_window_hours),
            max_event_age=timedelta(seconds=settings.zalo_webhook_max_age_seconds),
            info_image_url=settings.zalo_info_image_url
            or (f"{settings.public_base_url}{PHONE_CARD_PATH}" if settings.public_base_url else ""),
        )

    def __repr__(self) -> str:
        return f"ZaloConfig(app_id={self.app_id!r}, api={self.api_base_url!r})"
