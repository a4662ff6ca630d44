"""The app's own command line: `flask db`, `flask worker`, `flask fcm-emulator`.

The operator's commands (`flask admin ...`, `flask seed-demo`) live in `admin/`,
which depends on `opsx_api`, never the reverse; `wsgi.py` adds them.
"""

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate

from models import Base
from opsx_api.delivery.command import worker_command
from opsx_api.push.emulator import fcm_emulator_command

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class _MigrationTarget:
    """What Flask-Migrate needs of a `db`: the metadata (env.py finds the engine)."""

    def __init__(self, metadata):
        self.metadata = metadata


def init_app(app: Flask) -> None:
    """Add the migration, outbox worker and FCM emulator commands."""
    Migrate(app, _MigrationTarget(Base.metadata), directory=str(MIGRATIONS))
    app.cli.add_command(worker_command)
    app.cli.add_command(fcm_emulator_command)
