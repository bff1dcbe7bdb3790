from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clientvault.privacy.profile import Profile, current_profile


def site(request: HttpRequest) -> dict[str, Any]:
    profile = current_profile()
    return {
        "operator_name": profile.operator_name,
        "privacy_contact": profile.privacy_contact,
        "brand": profile.brand,
        **support_contact(profile),
    }


def support_contact(profile: Profile) -> dict[str, str]:
    """Where customers reach support ([support] of the profile), for web/support_contact.html."""
    return {
        "support_email": profile.support_email,
        "support_phone": profile.support_phone,
        "support_phone_display": profile.support_phone_display,
    }
