"""The company admin's base resource."""

from opsx_api.api.base import BaseResource
from opsx_api.auth.decorators import roles_required


class AdminResource(BaseResource):
    """Company admins of the caller's own client only."""

    method_decorators = [roles_required("admin")]
