"""Prospects and their offline-first sync: see `core`, `sync`, the CSV modules."""

from opsx_api.services.prospects.core import (
    create,
    delete_prospect,
    erase,
    live,
    update_prospect,
)
from opsx_api.services.prospects.csv_export import export_csv
from opsx_api.services.prospects.csv_import import ImportResult, import_csv
from opsx_api.services.prospects.listing import list_prospects
from opsx_api.services.prospects.notes import add_note, list_notes
from opsx_api.services.prospects.retention import purge
from opsx_api.services.prospects.sync import ChangesPage, changes

__all__ = [
    "ChangesPage",
    "ImportResult",
    "add_note",
    "changes",
    "create",
    "delete_prospect",
    "erase",
    "export_csv",
    "import_csv",
    "list_notes",
    "list_prospects",
    "live",
    "purge",
    "update_prospect",
]
