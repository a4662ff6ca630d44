"""SQLAlchemy models. Imports nothing from `opsx_api`."""

from models.audit_event import AuditEvent
from models.base import Base
from models.client import DEVICE_POLICIES, Client
from models.device_session import PLATFORMS, DeviceSession, SpentRefreshToken
from models.email import EMAIL_STATUSES, Email
from models.idempotency_key import IdempotencyKey
from models.link_token import LINK_PURPOSES, LinkToken
from models.login_failure import LoginFailure
from models.mailing import SUBSCRIPTION_STATUSES, NewsletterSubscription, Referral
from models.notification import (
    DELIVERY_STATUSES,
    Broadcast,
    Notification,
    PushDelivery,
)
from models.prospect import (
    PROSPECT_STATUSES,
    Prospect,
    ProspectFieldKey,
    ProspectNote,
    SyncCounter,
)
from models.request_count import ClientRequestCount
from models.support import SUPPORT_SCOPES, SupportGrant, SupportSession
from models.user import ROLES, STAFF_ROLES, TENANT_ROLES, USER_STATUSES, User

__all__ = [
    "DELIVERY_STATUSES",
    "DEVICE_POLICIES",
    "EMAIL_STATUSES",
    "LINK_PURPOSES",
    "PLATFORMS",
    "PROSPECT_STATUSES",
    "ROLES",
    "STAFF_ROLES",
    "SUBSCRIPTION_STATUSES",
    "SUPPORT_SCOPES",
    "TENANT_ROLES",
    "USER_STATUSES",
    "AuditEvent",
    "Base",
    "Broadcast",
    "Client",
    "ClientRequestCount",
    "DeviceSession",
    "Email",
    "IdempotencyKey",
    "LinkToken",
    "LoginFailure",
    "NewsletterSubscription",
    "Notification",
    "Prospect",
    "ProspectFieldKey",
    "ProspectNote",
    "PushDelivery",
    "Referral",
    "SpentRefreshToken",
    "SupportGrant",
    "SupportSession",
    "SyncCounter",
    "User",
]
