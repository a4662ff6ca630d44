"""Prospects: the company's customers, worked offline-first on field phones."""

from opsx_api.api.prospects import items, notes, sync, transfer  # noqa: F401  (registers routes)
from opsx_api.api.prospects.common import ns

__all__ = ["ns"]
