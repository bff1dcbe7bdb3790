from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clientvault.privacy.profile import current_profile


def site(request: HttpRequest) -> dict[str, Any]:
    profile = current_profile()
    return {"operator_name": profile.operator_name, "privacy_contact": profile.privacy_contact}
