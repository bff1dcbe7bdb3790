from clientvault.privacy.models.audit import AuditEvent, AuditHead
from clientvault.privacy.models.consent import ConsentRecord, ConsentSource
from clientvault.privacy.models.disclosure import Disclosure, DisclosureGround, RecipientKind
from clientvault.privacy.models.hold import Hold, HoldReason
from clientvault.privacy.models.keystore import (
    AuditAnchor,
    MasterKeyVersion,
    SubjectKey,
    SystemKey,
)
from clientvault.privacy.models.policy import PolicyAcceptance, PolicyVersion
from clientvault.privacy.models.retention import PeriodicRun, RetentionRun
from clientvault.privacy.models.subject import Subject

__all__ = [
    "AuditAnchor",
    "AuditEvent",
    "AuditHead",
    "ConsentRecord",
    "ConsentSource",
    "Disclosure",
    "DisclosureGround",
    "Hold",
    "HoldReason",
    "MasterKeyVersion",
    "PeriodicRun",
    "PolicyAcceptance",
    "PolicyVersion",
    "RecipientKind",
    "RetentionRun",
    "Subject",
    "SubjectKey",
    "SystemKey",
]
