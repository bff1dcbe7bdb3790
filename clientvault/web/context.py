from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clientvault.privacy.cookies import cookie_state
from clientvault.privacy.profile import Profile, current_profile
from clientvault.web.display import text_large


def site(request: HttpRequest) -> dict[str, Any]:
    profile = current_profile()
    return {
        "operator_name": profile.operator_name,
        "privacy_contact": profile.privacy_contact,
        "brand": profile.brand,
        **support_contact(profile),
        **cookie_context(request),
    }


def support_contact(profile: Profile) -> dict[str, str]:
    """Where customers reach support ([support] of the profile), for web/support_contact.html."""
    return {
        "support_email": profile.support_email,
        "support_phone": profile.support_phone,
        "support_phone_display": profile.support_phone_display,
    }


def cookie_context(request: HttpRequest) -> dict[str, bool]:
    """The cookie banner (until the visitor answers; not on the cookies page, which asks too,
    nor to a browser sending Global Privacy Control, which has answered) and the display
    preferences the footer offers once preference cookies are accepted."""
    state = cookie_state(request)
    match = getattr(request, "resolver_match", None)
    on_cookies_page = match is not None and match.view_name == "privacy:cookies"
    return {
        "cookie_banner": state.undecided and not on_cookies_page,
        "preferences_allowed": state.preferences_allowed,
        "text_large": text_large(request),
    }
