"""A strict content security policy (every asset from our own origin, never a CDN), and no
cached copies of anything the application answers.

The one inline style sheet, the brand's colours (``clientvault.privacy.brand``), is allowed by
its hash; no other inline style or script runs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from clientvault.privacy.profile import current_profile

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def content_security_policy() -> str:
    """POLICY, with the brand's inline style sheet allowed by its hash."""
    allowed = f"style-src 'self' {current_profile().brand.css_hash}"
    return POLICY.replace("style-src 'self'", allowed, 1)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = content_security_policy()
        # A page whose form leads on to another origin (a payment gateway's hosted form, after
        # our own redirect) names that origin on the response; browsers check the redirect.
        extra = getattr(response, "form_action_origins", ())
        if extra:
            policy = policy.replace("form-action 'self'", f"form-action 'self' {' '.join(extra)}")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "interest-cohort=()")
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer of the application, pages and API alike.

    Any page may carry personal data (if only the name of the person signed in), so none may be
    kept by a browser's cache, a shared proxy or the back button's copy. Static files never reach
    this middleware (WhiteNoise, above it, answers them with their own long cache lifetime).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response
