"""`flask seed-demo` adds demo prospects through the same services."""

from sqlalchemy import func, select

from models import Notification, Prospect
from opsx_api import db


def test_seed_demo_adds_demo_prospects(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        count = db.session().scalar(select(func.count()).select_from(Prospect))
        assigned = db.session().scalar(select(func.count()).select_from(Notification))
    assert count == 5
    assert assigned == 4  # one push per assigned demo prospect
