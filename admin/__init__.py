"""Admin tasks as Flask CLI groups, calling the same services as the API."""

from admin import (
    purge,  # noqa: F401 - registers `flask admin purge`
    stats,  # noqa: F401  (registers `flask admin stats`)
)
from admin.commands import admin_group
from admin.seed import seed_demo_command

__all__ = ["admin_group", "seed_demo_command"]
