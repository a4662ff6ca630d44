"""The pages of the newsletter's and the referral's signed links: confirming a
subscription, unsubscribing (also the RFC 8058 one-click POST) and a referred
friend removing their data.

Each page's POST calls the service its JSON endpoint calls.
"""

from opsx_api.pages import PAGES, LinkPage
from opsx_api.services import newsletter, referrals, signed_links


def _genuine(purpose: str):
    return lambda token: signed_links.is_genuine(token, purpose)


PAGES[newsletter.CONFIRM] = LinkPage(
    purpose=newsletter.CONFIRM,
    title="Confirm your newsletter subscription",
    template="pages/confirm_newsletter.html",
    done_template="pages/newsletter_confirmed.html",
    act=lambda token, _form: newsletter.confirm(token),
    genuine=newsletter.is_genuine_confirmation,
)
PAGES[newsletter.UNSUBSCRIBE] = LinkPage(
    purpose=newsletter.UNSUBSCRIBE,
    title="Unsubscribe from the OpsX newsletter",
    template="pages/unsubscribe.html",
    done_template="pages/unsubscribed.html",
    act=lambda token, _form: newsletter.unsubscribe(token),
    genuine=_genuine(newsletter.UNSUBSCRIBE),
    one_click=True,
)
PAGES[referrals.REMOVAL] = LinkPage(
    purpose=referrals.REMOVAL,
    title="Remove your name and email address",
    template="pages/referral_removal.html",
    done_template="pages/referral_removed.html",
    act=lambda token, _form: referrals.remove(token),
    genuine=_genuine(referrals.REMOVAL),
)
