"""The second factor's devices (SEC-2), stored so that the data database signs nobody in.

django-otp's own TOTP and static plugins keep the authenticator's secret and the recovery codes
in plain columns: whoever held the data database, or any backup of it, could make codes. These
devices keep django-otp's framework (``Device``, so ``match_token``, ``django_otp.login`` and
``OTPMiddleware`` work as before) and change what is stored:

- the authenticator's secret is a ``VaultField`` sealed for the login's subject: it opens only
  with the key store and the master key, never from the data database alone, and reads as
  erased once the subject is erased (the device then accepts no code);
- a recovery code is kept only as a keyed hash (:func:`recovery_code_digest`).

Neither device has django-otp's ``ThrottlingMixin``. Its back-off (1 s, 2 s, 4 s... after each
wrong code, on every device of the login) refused a correct code given right after a wrong one.
Codes are limited by clientvault's own throttle instead (``accounts.throttle``: five wrong codes
per login per quarter-hour, ``TWO_FACTOR_USER``, and a limit per address, ``TWO_FACTOR_IP``),
which the sign-in's code step applies before any device is asked.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP

from clientvault.accounts.models.users import User
from clientvault.privacy import vault
from clientvault.privacy.fields import VaultField
from clientvault.privacy.models import Subject

TOTP_STEP = 30  # seconds
TOTP_DIGITS = 6
TOTP_TOLERANCE = 1  # one time step of clock drift either way
RECOVERY_CODE_SCOPE = "accounts.RecoveryCode.code"


def new_device_id() -> int:
    """A random positive 63-bit id, known before the row is first saved.

    The vault binds a sealed value to its row (``app.Model.field:pk``), so the id must exist
    before the first save; django-otp names a device by an integer id (``persistent_id``,
    ``Device.from_persistent_id``), so it cannot be a UUID.
    """
    return secrets.randbelow(2**63 - 1) + 1


def clean_code(code: str) -> str:
    """A code as typed, without spaces and in lower case: "ABCD 2345" -> "abcd2345"."""
    return "".join(str(code).split()).lower()


def recovery_code_digest(code: str) -> str:
    """The keyed hash a recovery code is kept as: HMAC-SHA256 under a key of the key store.

    A recovery code is eight random base32 characters (40 bits). Hashed without a key, the data
    database would let an offline search over 2**40 candidates find every code, so the hash is
    keyed: the key (the vault's blind-index system key, scoped to recovery codes) is kept in the
    key store and wrapped by the master key, neither of which is in the data database or its
    backups, so a copy of these alone can test no guess at all. Online guessing is limited by
    the sign-in throttle. A slow salted hash (argon2) would add nothing against whoever also
    holds the key store and the master key, who could open the authenticator's secret anyway,
    and it would make each sign-in compare the code against every stored hash; the keyed hash
    is found by an indexed lookup.
    """
    return vault.blind_index(RECOVERY_CODE_SCOPE, clean_code(code))


class AuthenticatorDevice(Device):  # type: ignore[misc]
    """An authenticator app (TOTP, RFC 6238: 30-second steps, 6 digits, SHA-1), one per login."""

    # Annotated: django-otp has no type hints, so the stubs' plugin cannot infer these.
    user: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+"
    )
    id: models.BigIntegerField[int, int] = models.BigIntegerField(
        primary_key=True, default=new_device_id, editable=False
    )
    subject: models.ForeignKey[Subject, Subject] = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="+"
    )
    key = VaultField()  # the secret, hex-encoded, sealed for the login's subject
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)  # in steps
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)  # last step used
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(default=timezone.now)
    last_used_at: models.DateTimeField[Any, Any] = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="one_authenticator_per_login")]

    def totp(self) -> TOTP | None:
        """The app's code generator (django-otp's), or None once the secret is erased."""
        key = self.key
        if not key or isinstance(key, vault.Erased):
            return None
        return TOTP(bytes.fromhex(key), step=TOTP_STEP, digits=TOTP_DIGITS, drift=self.drift)

    def verify_token(self, token: Any) -> bool:
        """A code of the current step (or one either side), newer than the last one accepted.

        Each code works once: the step it matched is kept, and only later steps are accepted.
        """
        digits = clean_code(str(token))
        totp = self.totp()
        if totp is None or not (digits.isdigit() and len(digits) == TOTP_DIGITS):
            return False
        if not totp.verify(int(digits), tolerance=TOTP_TOLERANCE, min_t=self.last_t + 1):
            return False
        self.last_t, self.drift, self.last_used_at = totp.t(), totp.drift, timezone.now()
        self.save(update_fields=["last_t", "drift", "last_used_at"])
        return True


class RecoveryCodeDevice(Device):  # type: ignore[misc]
    """A login's recovery codes, as one django-otp device; each code works once."""

    user: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+"
    )
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], name="one_recovery_code_set_per_login")
        ]

    def verify_token(self, token: Any) -> bool:
        """An unused code of this set: found by its keyed hash, and used up by deleting it."""
        code = clean_code(str(token))
        if not code:
            return False
        deleted, _ = self.codes.filter(digest=recovery_code_digest(code)).delete()
        return bool(deleted)


class RecoveryCode(models.Model):
    """One unused recovery code, as its keyed hash (:func:`recovery_code_digest`) only."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_once")
        ]
