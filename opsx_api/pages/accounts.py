"""The pages of account links: choosing a password (invitation, reset) and
confirming a new email address.

Each page's POST calls the service its JSON endpoint calls.
"""

from werkzeug.datastructures import MultiDict

from opsx_api.errors import ValidationFailed
from opsx_api.pages import PAGES, LinkPage
from opsx_api.services import accounts, deletion, email_change


def set_password(token: str, form: MultiDict):
    """The form's two passwords must match; then POST /auth/password's service."""
    new_password = form.get("new_password", "")
    if new_password != form.get("new_password_again", ""):
        raise ValidationFailed(
            details={"new_password_again": ["The two passwords are not the same."]}
        )
    return accounts.set_password_from_link(token, new_password)


for purpose, title in (
    ("invitation", "Choose your password"),
    ("password_reset", "Choose a new password"),
):
    PAGES[purpose] = LinkPage(
        purpose=purpose,
        title=title,
        template="pages/set_password.html",
        done_template="pages/password_set.html",
        act=set_password,
    )
PAGES["deletion_cancel"] = LinkPage(
    purpose="deletion_cancel",
    title="Keep your account",
    template="pages/cancel_deletion.html",
    done_template="pages/deletion_cancelled.html",
    act=lambda token, _form: deletion.cancel_from_link(token),
)
PAGES["email_confirmation"] = LinkPage(
    purpose="email_confirmation",
    title="Confirm your new email address",
    template="pages/confirm_email.html",
    done_template="pages/email_changed.html",
    act=lambda token, _form: email_change.confirm(token),
)
