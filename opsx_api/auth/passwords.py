"""argon2id password hashing with a configurable cost, and the password policy."""

import re
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

# t = iterations, m = memory in KiB, p = lanes.
PROFILES = {
    "owasp": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    "strong": {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4},
    "test": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}
MAX_LENGTH = 256

# zxcvbn's estimate of the guesses an attacker needs, below which a password is
# refused: its score 4, "strongly unguessable". Its dictionaries (the most
# common passwords of breach corpora, English words, names, surnames, TV and
# film words) and its patterns (repeats, sequences, keyboard walks, l33t
# substitutions, dates) catch what a fixed list cannot, `P@ssw0rdP@ssw0rd` and
# `summer2024summer2024` among them.
MIN_GUESSES_LOG10 = 10
# zxcvbn refuses longer input (its matching is quadratic); a password whose
# first 72 characters are hard to guess is no easier whole.
_ESTIMATED_PREFIX = 72


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
    commonly used, expected or compromised values refused with the reason: the
    user's name or email, then zxcvbn's estimate with them as context.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return [f"Must be at least {minimum} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Must be at most {MAX_LENGTH} characters."]
    folded = re.sub(r"\s+", "", password.lower())
    local_part = email.lower().split("@")[0]
    for personal in (email.lower(), local_part, name.lower().replace(" ", "")):
        if len(personal) >= 4 and personal in folded:
            return ["A password must not contain your name or email."]
    words = re.split(r"[^\w]+", f"{name} {local_part}".lower())
    context = [part for part in (name, email, local_part, *words) if len(part) >= 3]
    estimate = zxcvbn(password[:_ESTIMATED_PREFIX], user_inputs=context)
    if estimate["guesses_log10"] < MIN_GUESSES_LOG10:
        hint = estimate["feedback"]["warning"] or (
            "It is a commonly used or breached password, or close to one."
        )
        return [f"This password is too easy to guess. {hint}".strip()]
    return []
