"""argon2id password hashing with a configurable cost, and the password policy."""

import re
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# t = iterations, m = memory in KiB, p = lanes.
PROFILES = {
    "owasp": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    "strong": {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4},
    "test": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}
MAX_LENGTH = 256

# Long passwords that still top breach corpora; short ones fail on length anyway.
COMMON = {
    "passwordpassword",
    "password1234567",
    "password12345678",
    "password123456789",
    "123456789012345",
    "1234567890123456",
    "qwertyuiopasdfgh",
    "qwertyuiopasdfghjkl",
    "qwertyuiopasdfghjklzxcvbnm",
    "1q2w3e4r5t6y7u8i",
    "1qaz2wsx3edc4rfv",
    "iloveyouiloveyou",
    "letmeinletmein",
    "welcomewelcome1",
    "administrator123",
    "changemechangeme",
    "correcthorsebatterystaple",
    "trustno1trustno1",
    "abcdefghijklmnop",
    "aaaaaaaaaaaaaaaa",
}
_SEQUENCES = (
    "0123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
)


@lru_cache(maxsize=4)
def _hasher(profile: str) -> PasswordHasher:
    cost = PROFILES[profile]
    return PasswordHasher(
        time_cost=cost["time_cost"],
        memory_cost=cost["memory_cost"],
        parallelism=cost["parallelism"],
        type=Type.ID,
    )


def hasher() -> PasswordHasher:
    return _hasher(current_app.config["ARGON2_PROFILE"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; never raises for a wrong one.

    An account without a password (invited) matches nothing, in the same time.
    """
    if password_hash is None:
        burn_verification(password)
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str | None) -> bool:
    return password_hash is not None and hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=4)
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("opsx-dummy-password-for-timing")


def burn_verification(password: str) -> None:
    """Spend the cost of one verification, so unknown emails answer in equal time."""
    verify_password(_dummy_hash(current_app.config["ARGON2_PROFILE"]), password)


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Reasons a new password is refused (empty when it is acceptable).

    NIST SP 800-63B rev. 4: a length floor, a ceiling, no composition rules, and
    known-weak values refused with the reason.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return [f"Must be at least {minimum} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Must be at most {MAX_LENGTH} characters."]
    folded = password.lower()
    squeezed = re.sub(r"\s+", "", folded)
    if squeezed in COMMON or len(set(squeezed)) <= 2:
        return ["This password is too common; choose a less predictable one."]
    if any(squeezed in seq or squeezed in seq[::-1] for seq in _SEQUENCES):
        return ["A keyboard or alphabet sequence is easy to guess."]
    for personal in (email.lower(), email.lower().split("@")[0], name.lower()):
        if len(personal) >= 4 and personal.replace(" ", "") in squeezed:
            return ["A password must not contain your name or email."]
    return []
