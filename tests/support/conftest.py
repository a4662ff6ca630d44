"""Fixtures of the support-access tests."""

import pytest

from tests.support.kit import SupportKit


@pytest.fixture
def kit(app, factory, client):
    """Support helpers: companies with a logged-in admin, staff, grants, sessions."""
    return SupportKit(app, factory, client)
