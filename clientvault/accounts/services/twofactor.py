"""The second factor (SEC-2): an authenticator app (TOTP) with one-time recovery codes.

Optional for customers unless the policy profile says ``customer_2fa_required``; always
required for staff, who enrol at their first sign-in. Enrolment keeps the new secret in the
session (sealed under the session's key, see ``accounts.sessionstore``) until a correct code
confirms it, so nothing is stored for an abandoned attempt. The devices are clientvault's own
django-otp devices (``accounts.models.twofactor``): the app's secret sealed in the vault, the
recovery codes kept as keyed hashes; each code works once, and they are shown only when made.
"""

from __future__ import annotations

import base64
import enum
import secrets
from collections.abc import Sequence
from urllib.parse import quote, urlencode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.util import random_hex

from clientvault.accounts.models import (
    AuthenticatorDevice,
    ClientLogEvent,
    RecoveryCode,
    RecoveryCodeDevice,
    User,
    recovery_code_digest,
)
from clientvault.accounts.models.twofactor import TOTP_DIGITS, TOTP_STEP, TOTP_TOLERANCE, clean_code
from clientvault.accounts.services.clientlog import log_for_user
from clientvault.accounts.services.subjects import ensure_subject
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
    return bool(AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists())


def second_factor_step(user: User) -> Step:
    if user_has_device(user, confirmed=True):
        return Step.VERIFY
    return Step.ENROL if two_factor_required(user) else Step.NONE


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


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
    params = urlencode(
        {"secret": secret, "issuer": issuer, "digits": TOTP_DIGITS, "period": TOTP_STEP}
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (rendered here; no script, no image request)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=4, border=4, title="QR code")
    return svg


def _matched_step(key: str, code: str) -> int | None:
    """The time step whose code ``code`` is (one step of clock drift allowed), or None."""
    digits = clean_code(code)
    if not (digits.isdigit() and len(digits) == TOTP_DIGITS):
        return None
    totp = TOTP(bytes.fromhex(key), step=TOTP_STEP, digits=TOTP_DIGITS)
    if not totp.verify(int(digits), tolerance=TOTP_TOLERANCE):
        return None
    step: int = totp.t()
    return step


def confirm_totp(
    *,
    user: User,
    key: str,
    code: str,
    actor: Actor,
    recovery_codes: Sequence[str] | None = None,
) -> list[str]:
    """Turn the second factor on with the app holding ``key``; the new recovery codes.

    The secret is sealed in the vault for the login's subject. The device remembers the time
    step of the code that confirmed it (``last_t``), so that same code cannot then be given
    again to complete a sign-in. The recovery codes are random unless ``recovery_codes`` are
    given (the demo's, which it derives from the demo secret so that it can print them again).
    """
    step = _matched_step(key, code)
    if step is None:
        raise ValidationError({"code": "Code: that is not the current code from your app."})
    subject = ensure_subject(user)
    with transaction.atomic():
        AuthenticatorDevice.objects.filter(user=user).delete()
        AuthenticatorDevice.objects.create(
            user=user, subject=subject, key=key, name=TOTP_DEVICE_NAME, confirmed=True, last_t=step
        )
        codes = _new_recovery_codes(user, recovery_codes)
        _audit_and_log(user, actor, "two_factor.enabled", ClientLogEvent.TWO_FACTOR_ENABLED)
    return codes


def totp_device(user: User) -> AuthenticatorDevice | None:
    device: AuthenticatorDevice | None = AuthenticatorDevice.objects.filter(
        user=user, confirmed=True
    ).first()
    return device


def new_recovery_code() -> str:
    """Eight random base32 characters (40 bits), lower case, as django-otp's static tokens."""
    return base64.b32encode(secrets.token_bytes(5)).decode().lower()


def _random_recovery_codes() -> list[str]:
    codes: dict[str, None] = {}
    while len(codes) < RECOVERY_CODE_COUNT:
        codes[new_recovery_code()] = None
    return list(codes)


def _new_recovery_codes(user: User, chosen: Sequence[str] | None = None) -> list[str]:
    """A new set of recovery codes (the old set ends); only their keyed hashes are stored."""
    if chosen is None:
        codes = _random_recovery_codes()
    else:
        codes = list(dict.fromkeys(clean_code(c) for c in chosen))
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(c)) for c in codes
    )
    return codes


def recovery_code_unused(user: User, code: str) -> bool:
    """Whether ``code`` is one of the login's unused recovery codes (checked by its hash)."""
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed=True, digest=recovery_code_digest(code)
    ).exists()


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
    cleaned = clean_code(code)
    if not cleaned or len(cleaned) > 16:
        return None
    device: Device | None = match_token(user, cleaned)
    return device


def _audit_and_log(user: User, actor: Actor, action: str, event: str) -> None:
    record_event(
        action=action, actor=actor, subject_id=user.subject_id, purpose="security", obj=user
    )
    log_for_user(user=user, event=event, actor=actor)
