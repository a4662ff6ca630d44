"""The one clock. Tests move it instead of sleeping."""

from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, shifted by any test offset."""
    return datetime.now(timezone.utc) + _offset


def advance(delta: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += delta


def reset() -> None:
    """Put the clock back to real time (tests only)."""
    global _offset
    _offset = timedelta(0)
