"""The company admin's base resource."""

from opsx_api.api.base import BaseResource


class AdminResource(BaseResource):
    """Company admins of the caller's own client only.

    A support session may read (under any grant) but never write here unless a
    resource declares `support = "write"`: who may log in, roles and settings are
    the company's own business.
    """

    roles = ("admin",)
    support = "read"
