"""SQLAlchemy models. Imports nothing from `opsx_api`."""

from models.audit_event import AuditEvent
from models.base import Base
from models.client import DEVICE_POLICIES, Client
from models.device_session import PLATFORMS, DeviceSession, SpentRefreshToken
from models.login_failure import LoginFailure
from models.notification import (
    DELIVERY_STATUSES,
    Broadcast,
    Notification,
    PushDelivery,
)
from models.user import ROLES, STAFF_ROLES, TENANT_ROLES, User

__all__ = [
    "DELIVERY_STATUSES",
    "DEVICE_POLICIES",
    "PLATFORMS",
    "ROLES",
    "STAFF_ROLES",
    "TENANT_ROLES",
    "AuditEvent",
    "Base",
    "Broadcast",
    "Client",
    "DeviceSession",
    "LoginFailure",
    "Notification",
    "PushDelivery",
    "SpentRefreshToken",
    "User",
]
