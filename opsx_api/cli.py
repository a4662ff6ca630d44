"""Registers every Flask CLI group: `flask admin`, `flask worker`, emulator, seed."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from flask_migrate import Migrate

    from admin import admin_group, seed_demo_command
    from models import Base

    Migrate(app, _MigrationTarget(Base.metadata), directory=_migrations_dir())
    app.cli.add_command(admin_group)
    app.cli.add_command(seed_demo_command)
    _optional_commands(app)


def _optional_commands(app: Flask) -> None:
    try:
        from opsx_api.delivery.command import worker_command
        from opsx_api.push.emulator import fcm_emulator_command
    except ImportError:  # the outbox packages are optional until they land
        return
    app.cli.add_command(fcm_emulator_command)
    app.cli.add_command(worker_command)


class _MigrationTarget:
    """What Flask-Migrate needs of a `db`: the metadata (env.py finds the engine)."""

    def __init__(self, metadata):
        self.metadata = metadata


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
