"""The company admin's base resource."""

from typing import ClassVar

from opsx_api.api.base import BaseResource
from opsx_api.auth.access import SupportLevel


class AdminResource(BaseResource):
    """Company admins of the caller's own client only.

    A support session may read (under any grant) but never write here unless a
    resource declares `support = "write"`: who may log in, roles and settings are
    the company's own business.
    """

    roles = ("admin",)
    support: ClassVar[SupportLevel] = "read"
