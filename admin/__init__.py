"""The operator's command line (`flask admin ...`, `flask seed-demo`).

It calls the same services as the API. `opsx_api` never imports this package;
`wsgi.py` (and the tests) add it to an app with `init_app`.
"""

from flask import Flask
from flask.cli import AppGroup

from admin import directory, mailings, purge, stats, user_edit, users
from admin.seed import seed_demo_command

admin_group = AppGroup("admin", help="Administer clients, users and data.")
admin_group.add_command(users.create_client)
admin_group.add_command(users.create_user)
admin_group.add_command(users.deactivate_user)
admin_group.add_command(users.revoke_tokens)
admin_group.add_command(user_edit.reactivate_user)
admin_group.add_command(user_edit.update_user)
admin_group.add_command(directory.list_clients)
admin_group.add_command(directory.list_users)
admin_group.add_command(directory.show_user)
admin_group.add_command(purge.purge_command)
admin_group.add_command(stats.stats_command)
admin_group.add_command(mailings.send_newsletter)
admin_group.add_command(mailings.announce)


def init_app(app: Flask) -> Flask:
    """Add `flask admin` and `flask seed-demo` to the app's command line."""
    app.cli.add_command(admin_group)
    app.cli.add_command(seed_demo_command)
    return app
