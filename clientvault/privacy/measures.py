"""The technical and organisational security measures of the record of processing (Art. 30(1)(g)).

Each measure is stated from what the running code and configuration actually do: the vault's
cipher and key sizes, how many installed fields it seals or indexes, the key store's separate
database, the audit chain, the profile's retention periods and roles, and the settings in force
(password hasher, second factor, HTTPS). Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django.apps import apps
from django.conf import settings

from clientvault.privacy import crypto
from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.inventory import Erasure, registry
from clientvault.privacy.profile import Profile
from clientvault.privacy.routers import KEYSTORE_ALIAS

TOTP_APP = "django_otp"  # the second factor's framework (its devices are the apps' own)


class Measure(TypedDict):
    key: str
    label: str
    detail: str


@dataclass(frozen=True)
class _Fields:
    sealed: int
    restricted: int
    indexes: int
    shredded: int


def _count_fields() -> _Fields:
    fields = [f for m in apps.get_models() for f in m._meta.concrete_fields]
    vault_fields = [f for f in fields if isinstance(f, VaultField)]
    installed = {m._meta.label for m in apps.get_models()}
    return _Fields(
        sealed=len(vault_fields),
        restricted=sum(1 for f in vault_fields if f.restricted),
        indexes=sum(1 for f in fields if isinstance(f, BlindIndexField)),
        shredded=sum(
            1
            for d in registry
            if d.label in installed
            for _, spec in d.personal_fields()
            if spec.erasure == Erasure.SHRED
        ),
    )


def _measure(key: str, label: str, detail: str) -> Measure:
    return Measure(key=key, label=label, detail=detail)


def _vault_measures(counts: _Fields) -> list[Measure]:
    bits = crypto.KEY_BYTES * 8
    return [
        _measure(
            "encryption",
            "Encryption per data subject",
            f"{counts.sealed} personal fields are sealed with AES-{bits}-GCM under a data key "
            "of the data subject's own; each value is bound to its model, field and row",
        ),
        _measure(
            "key_store",
            "Keys apart from the data",
            f"data keys are wrapped by a master key held outside every database and kept in a "
            f"separate key store database ('{KEYSTORE_ALIAS}'); the master key is rotated "
            "without touching the data (clientvault keys rotate)",
        ),
        _measure(
            "crypto_shredding",
            "Erasure by destroying keys",
            f"erasure destroys the subject's data key, so {counts.shredded} fields read as "
            "erased in the live database and in every backup",
        ),
        _measure(
            "blind_indexes",
            "Look-ups without plaintext",
            f"{counts.indexes} exact-match look-ups use HMAC-SHA-256 blind indexes under a key "
            "wrapped in the key store; plaintext never reaches the database",
        ),
    ]


def _access_measures(counts: _Fields, profile: Profile) -> list[Measure]:
    staff = ", ".join(profile.staff_roles) or "none"
    return [
        _measure(
            "purpose_bound_reveal",
            "Purpose-bound access to restricted data",
            f"restricted fields ({counts.restricted} installed) open only through a reveal for "
            "a purpose declared for the field and granted to the reader's role by the profile "
            f"(staff roles: {staff}); every reveal and refusal is audited",
        ),
        _measure(
            "audit_log",
            "Tamper-evident audit log",
            "a SHA-256 hash-chained log records who did what with whose data, by id only; "
            "clientvault audit verify names any altered, missing or reordered entry; kept "
            f"{profile.retention.get('audit_log')} days",
        ),
        _measure(
            "access_log",
            "Access logging",
            "every staff view of a customer's personal data is recorded in the audit log",
        ),
    ]


def _sign_in_measures(profile: Profile) -> list[Measure]:
    hasher = str(settings.PASSWORD_HASHERS[0]).rsplit(".", 1)[-1]
    found = [
        _measure(
            "passwords",
            "Password hashing",
            f"passwords are stored hashed with {hasher.removesuffix('PasswordHasher')}; "
            f"sign-in is locked for "
            f"{_lockout(getattr(settings, 'CLIENTVAULT_LOGIN_LOCKOUT_SECONDS', None))} "
            f"after {getattr(settings, 'CLIENTVAULT_LOGIN_LOCKOUT_FAILURES', '?')} failures",
        )
    ]
    if apps.is_installed(TOTP_APP):
        customers = "required" if profile.customer_2fa_required else "optional"
        found.append(
            _measure(
                "second_factor",
                "Second factor",
                "TOTP authenticator apps with backup codes: required for staff, "
                f"{customers} for customers (policy profile)",
            )
        )
    return found


def _lockout(seconds: object) -> str:
    return f"{round(seconds / 60)} minutes" if isinstance(seconds, int | float) else "a while"


def _transport_measure() -> Measure:
    hsts = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    secure = getattr(settings, "SECURE_SSL_REDIRECT", False) and getattr(
        settings, "SESSION_COOKIE_SECURE", False
    )
    if secure and hsts:
        detail = (
            f"HTTPS only: plain HTTP is redirected, HSTS for {hsts // 86400} days, cookies "
            "are secure and HTTP-only"
        )
    else:
        detail = "not in force in this configuration (DEBUG); production turns on HTTPS and HSTS"
    return _measure("transport", "Encryption in transit", detail)


def _storage_measures(profile: Profile) -> list[Measure]:
    return [
        _measure(
            "backups",
            "Backups without keys",
            "backups hold the data database only, sealed fields as ciphertext and never the "
            "key store; a restore shreds again every subject erased since the backup",
        ),
        _measure(
            "retention",
            "Storage limitation",
            f"a daily sweep deletes or clears data once its period ends "
            f"({len(profile.retention)} periods set in the policy profile)",
        ),
    ]


def security_measures(profile: Profile) -> list[Measure]:
    """The measures in force, each stated from the code, the settings and the profile."""
    counts = _count_fields()
    return [
        *_vault_measures(counts),
        *_access_measures(counts, profile),
        *_sign_in_measures(profile),
        _transport_measure(),
        *_storage_measures(profile),
    ]
