"""Literal, case-insensitive substring search: `%`, `_` and `\\` match themselves."""

from sqlalchemy import func


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str):
    """`column` contains `text`, ignoring case, with no wildcards."""
    return func.lower(column).like(f"%{escape_like(text.lower())}%", escape="\\")
