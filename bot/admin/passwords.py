"""Dashboard passwords: argon2id hashes (argon2-cffi's defaults), checked in constant time."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 200


class WeakPassword(ValueError):
    """A password too short or too long to accept."""


def check_strength(password: str) -> None:
    """Raise `WeakPassword` unless `password` has a usable length."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash to store for `password`."""
    check_strength(password)
    return PasswordHasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches the `stored` hash (False for no hash or a broken one)."""
    if not stored or len(password) > MAX_LENGTH:
        return False
    try:
        return PasswordHasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
