"""The key that signs web cookies: OCOP_SECRET_KEY, else one generated once and kept in var/."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from bot.settings import Settings

log = logging.getLogger(__name__)

FILE_NAME = "secret_key"


def load_secret_key(settings: Settings, var_dir: Path) -> bytes:
    """OCOP_SECRET_KEY when set; else `var_dir/secret_key`, created with mode 0600 on first use."""
    if settings.ocop_secret_key:
        if len(settings.ocop_secret_key) < 32:
            log.warning("OCOP_SECRET_KEY is short; use at least 32 random characters")
        return settings.ocop_secret_key.encode()
    path = var_dir / FILE_NAME
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s is readable by others (mode %o); run chmod 600 on it", path, mode)
        key = path.read_bytes().strip()
        if not key:
            raise RuntimeError(f"{path} is empty; delete it to generate a new key") from None
        return key
    key = secrets.token_urlsafe(48).encode()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    log.info("generated a new cookie signing key in %s", path)
    return key
