"""The second factor (SEC-2): an authenticator app (TOTP) with one-time recovery codes.

Optional for customers unless the policy profile says ``customer_2fa_required``; always
required for staff, who enrol at their first sign-in. Enrolment keeps the new secret in the
session until a correct code confirms it, so nothing is stored for an abandoned attempt.
Recovery codes are django-otp static tokens: each works once, and they are shown only when made.
"""

from __future__ import annotations

import base64
import enum
from urllib.parse import quote, urlencode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from clientvault.accounts.models import ClientLogEvent, User
from clientvault.accounts.services.clientlog import log_for_user
from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class Step(enum.Enum):
    """What a signed-in session still needs before it may go anywhere."""

    NONE = "none"
    VERIFY = "verify"  # give a code from the enrolled authenticator (or a recovery code)
    ENROL = "enrol"  # the second factor is mandatory and none is enrolled yet


def two_factor_required(user: User) -> bool:
    """Staff always; customers when the policy profile makes it mandatory."""
    return bool(user.is_staff or current_profile().customer_2fa_required)


def has_two_factor(user: User) -> bool:
    """Whether an authenticator app is enrolled (recovery codes alone do not count here)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def second_factor_step(user: User) -> Step:
    if user_has_device(user, confirmed=True):
        return Step.VERIFY
    return Step.ENROL if two_factor_required(user) else Step.NONE


def recovery_codes_left(user: User) -> int:
    count: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return count


# --- enrolling ---------------------------------------------------------------------------------


def new_totp_key() -> str:
    return str(random_hex(20))


def secret_text(key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(*, key: str, user: User) -> str:
    issuer = current_profile().operator_name.replace(":", "")
    label = quote(f"{issuer}:{user.get_username()}")
    secret = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    params = urlencode({"secret": secret, "issuer": issuer, "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{params}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (rendered here; no script, no image request)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=4, border=4, title="QR code")
    return svg


def _clean_code(code: str) -> str:
    return "".join(code.split()).lower()


def _matched_step(key: str, code: str) -> int | None:
    """The time step whose code ``code`` is (one step of clock drift allowed), or None."""
    digits = _clean_code(code)
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    if not totp.verify(int(digits), tolerance=1):
        return None
    step: int = totp.t()
    return step


def confirm_totp(*, user: User, key: str, code: str, actor: Actor) -> list[str]:
    """Turn the second factor on with the app holding ``key``; the new recovery codes.

    The device remembers the time step of the code that confirmed it (django-otp's ``last_t``),
    so that same code cannot then be given again to complete a sign-in.
    """
    step = _matched_step(key, code)
    if step is None:
        raise ValidationError({"code": "Code: that is not the current code from your app."})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, key=key, name=TOTP_DEVICE_NAME, confirmed=True, last_t=step
        )
        codes = _new_recovery_codes(user)
        _audit_and_log(user, actor, "two_factor.enabled", ClientLogEvent.TWO_FACTOR_ENABLED)
    return codes


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def regenerate_recovery_codes(*, user: User, actor: Actor) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_two_factor(user):
        raise ValidationError("Two-step sign-in is off, so there are no recovery codes to renew.")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record_event(
            action="two_factor.recovery_codes_renewed",
            actor=actor,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
        )
    return codes


def disable_two_factor(*, user: User, actor: Actor) -> None:
    """Turn the second factor off, unless it is mandatory for this login."""
    if two_factor_required(user):
        raise ValidationError(
            "Two-step sign-in is required for your account, so it cannot be turned off."
        )
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
        _audit_and_log(user, actor, "two_factor.disabled", ClientLogEvent.TWO_FACTOR_DISABLED)


# --- verifying ---------------------------------------------------------------------------------


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (an app code or an unused recovery code), or None."""
    cleaned = _clean_code(code)
    if not cleaned or len(cleaned) > 16:
        return None
    device: Device | None = match_token(user, cleaned)
    return device


def _audit_and_log(user: User, actor: Actor, action: str, event: str) -> None:
    record_event(
        action=action, actor=actor, subject_id=user.subject_id, purpose="security", obj=user
    )
    log_for_user(user=user, event=event, actor=actor)
