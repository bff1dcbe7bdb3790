"""Declarations of the kernel's own models and of the third-party models installed with it.

Random identifiers (a subject's id and reference, foreign keys, actor ids such as ``user:12``)
are declared not personal: alone they say nothing about a person. What a row says about its
subject is declared on the fields that say it. Third-party models that hold personal data have
no link to a subject that erasure could follow; their rows expire by a retention rule instead.

Auto-created many-to-many tables hold two ids and nothing else; each is excluded below with the
owner field whose rows it joins (the check walks them too, so a new one cannot go unnoticed).
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

ROW_ID = inv.not_personal("row id")
WHEN = inv.not_personal("when the row was written")
LINK = inv.not_personal("link to another row")
ACTOR = inv.not_personal("actor reference (user:<id> or system:<name>), an id only")

# ---------------------------------------------------------------------------- the kernel


def _retained(category: str, purposes: list[str], period: str, basis: str) -> inv.Personal:
    return inv.personal(
        category, purposes=purposes, erasure="retain", retention=period, legal_basis=basis
    )


CONSENT_BASIS = "GDPR Art. 7(1): each consent and refusal must be demonstrable"
DISCLOSURE_BASIS = "GDPR Art. 5(2) and 15(1)(c): accountability for every recipient"
ACCEPTANCE_BASIS = "GDPR Art. 5(2): proof of the policy version the person accepted"
AUDIT_BASIS = "GDPR Art. 5(2) and 32: accountability and security of processing"


def _consent(period: str) -> inv.Personal:
    purposes = ["legal_obligation", "marketing", "reseller_newsletter", "partner_sharing"]
    return _retained("user.consent", purposes, period, CONSENT_BASIS)


def _disclosure() -> inv.Personal:
    return _retained("user.legal", ["legal_obligation"], "disclosures", DISCLOSURE_BASIS)


inv.declare(
    "privacy.Subject",
    subject="pk",
    description="One natural person the system holds data about; holds nothing about them",
    fields={
        "id": inv.not_personal("random identifier"),
        "reference": inv.not_personal("random public reference, drawn without personal data"),
        "created_at": WHEN,
        "erased_at": inv.not_personal("when the subject was erased, kept as proof"),
    },
)

inv.declare(
    "privacy.AuditEvent",
    subject="subject_id",
    description="The hash-chained audit log: who did what with whose data, by id only",
    fields={
        "id": ROW_ID,
        "seq": inv.not_personal("position in the chain"),
        "at": WHEN,
        "actor_id": ACTOR,
        "actor_role": inv.not_personal("role code"),
        "action": _retained(
            "system.operations", ["security", "legal_obligation"], "audit_log", AUDIT_BASIS
        ),
        "subject_id": inv.not_personal("the subject's random id"),
        "purpose": inv.not_personal("purpose code"),
        "object_type": inv.not_personal("model label"),
        "object_id": inv.not_personal("row id"),
        "details": inv.not_personal("ids and codes only (record_event refuses anything else)"),
        "prev_hash": inv.not_personal("hash of the previous entry"),
        "hash": inv.not_personal("hash of this entry"),
    },
)

inv.declare(
    "privacy.AuditHead",
    subject=None,
    description="The newest position of the audit chain",
    fields={
        "id": ROW_ID,
        "seq": inv.not_personal("position in the chain"),
        "hash": inv.not_personal("hash of the newest entry"),
        "chain_id": inv.not_personal("random chain identifier"),
    },
)

inv.declare(
    "privacy.ConsentRecord",
    subject="subject",
    description="The consent ledger: dated grants and refusals; the newest wins",
    fields={
        "id": ROW_ID,
        "subject": LINK,
        "purpose": _consent("consent_history"),
        "granted": _consent("consent_history"),
        "source": _consent("consent_history"),
        "at": WHEN,
        "actor_id": ACTOR,
        "reference": _consent("consent_history"),
    },
)

inv.declare(
    "privacy.Disclosure",
    subject="subject",
    description="The disclosure register: every release of personal data to anyone outside",
    fields={
        "id": ROW_ID,
        "subject": LINK,
        "recipient_kind": _disclosure(),
        "recipient": _disclosure(),
        "categories": _disclosure(),
        "ground": _disclosure(),
        "reference": _disclosure(),
        "actor_id": ACTOR,
        "at": WHEN,
        "notice_deferred_until": _disclosure(),
    },
)

HOLD_BASIS = "GDPR Art. 17(3)(e): kept for the establishment, exercise or defence of legal claims"


def _hold() -> inv.Personal:
    return _retained("user.legal", ["legal_obligation"], "disclosures", HOLD_BASIS)


inv.declare(
    "privacy.Hold",
    subject="subject",
    description="Holds that keep a subject's data from retention and erasure while they apply",
    fields={
        "id": ROW_ID,
        "subject": LINK,
        "reason": _hold(),
        "placed_by": inv.not_personal("code of the app that placed it"),
        "reference": _hold(),
        "confidential": _hold(),
        "placed_at": WHEN,
        "ends_on": _hold(),
        "ended_at": inv.not_personal("when the hold was ended"),
    },
)

inv.declare(
    "privacy.PolicyVersion",
    subject=None,
    description="Published versions of the privacy policy",
    fields={
        "id": ROW_ID,
        "number": inv.not_personal("version number"),
        "content_hash": inv.not_personal("hash of the published text"),
        "effective_date": inv.not_personal("public date"),
        "published_at": WHEN,
        "html": inv.not_personal("the public policy text"),
    },
)

inv.declare(
    "privacy.PolicyAcceptance",
    subject="subject",
    description="Which policy version a subject accepted, when and how",
    fields={
        "id": ROW_ID,
        "subject": LINK,
        "version": _retained(
            "user.consent", ["legal_obligation"], "policy_acceptances", ACCEPTANCE_BASIS
        ),
        "at": WHEN,
        "channel": _retained(
            "user.consent", ["legal_obligation"], "policy_acceptances", ACCEPTANCE_BASIS
        ),
    },
)

inv.declare(
    "privacy.RetentionRun",
    subject=None,
    description="One run of the retention sweep, with counts per category",
    fields={
        "id": ROW_ID,
        "started_at": WHEN,
        "finished_at": inv.not_personal("when the run ended"),
        "cutoff_at": inv.not_personal("the run's reference time"),
        "results": inv.not_personal("counts per category and model"),
    },
)

inv.declare(
    "privacy.PeriodicRun",
    subject=None,
    description="One due run of a periodic job",
    fields={
        "id": ROW_ID,
        "job": inv.not_personal("job name"),
        "period": inv.not_personal("the period the run is due for"),
        "enqueued_at": WHEN,
    },
)

# ------------------------------------------------------------------------- the key store

inv.declare(
    "privacy.MasterKeyVersion",
    subject=None,
    storage=inv.KEY_STORE_DATABASE,
    description="Master key versions, by fingerprint only",
    fields={
        "id": ROW_ID,
        "version": inv.not_personal("version number"),
        "fingerprint": inv.not_personal("fingerprint of a master key, not the key"),
        "created_at": WHEN,
    },
)

inv.declare(
    "privacy.SubjectKey",
    subject="subject_id",
    storage=inv.KEY_STORE_DATABASE,
    description="Each subject's data key, wrapped; destroying it erases the subject's data",
    fields={
        "id": ROW_ID,
        "subject_id": inv.not_personal("the subject's random id"),
        "wrapped": inv.not_personal("key material, wrapped by the master key"),
        "master_version": inv.not_personal("master key version"),
        "created_at": WHEN,
        "destroyed_at": inv.not_personal("when the key was destroyed"),
    },
)

inv.declare(
    "privacy.SystemKey",
    subject=None,
    storage=inv.KEY_STORE_DATABASE,
    description="System keys (the blind-index and audit keys), wrapped",
    fields={
        "id": ROW_ID,
        "name": inv.not_personal("key name"),
        "wrapped": inv.not_personal("key material, wrapped by the master key"),
        "master_version": inv.not_personal("master key version"),
        "created_at": WHEN,
    },
)

inv.declare(
    "privacy.AuditAnchor",
    subject=None,
    storage=inv.KEY_STORE_DATABASE,
    description="The signed checkpoint of the audit log's head, apart from the log",
    fields={
        "id": ROW_ID,
        "seq": inv.not_personal("position in the chain"),
        "hash": inv.not_personal("keyed hash of the anchored entry"),
        "at": WHEN,
        "mac": inv.not_personal("MAC of the checkpoint under the audit key"),
    },
)

# ------------------------------------------------------------ Django's own (not personal)

inv.declare(
    "auth.Group",
    subject=None,
    description="Staff roles",
    fields={"id": ROW_ID, "name": inv.not_personal("role name")},
)
inv.declare(
    "auth.Permission",
    subject=None,
    description="Permissions defined by the code",
    fields={
        "id": ROW_ID,
        "name": inv.not_personal("permission name"),
        "content_type": LINK,
        "codename": inv.not_personal("permission code"),
    },
)
inv.declare(
    "contenttypes.ContentType",
    subject=None,
    description="The installed models",
    fields={
        "id": ROW_ID,
        "app_label": inv.not_personal("app label"),
        "model": inv.not_personal("model name"),
    },
)
inv.exclude(
    "auth.Group_permissions",
    reason="auto-created many-to-many table of auth.Group.permissions: two ids, no personal data",
)

# ------------------------------------------------------------- background jobs (django-tasks)

inv.declare(
    "django_tasks_database.DBTaskResult",
    subject=None,
    retention=inv.RowRetention(period="task_results", age_field="enqueued_at"),
    description="Background job results; jobs take ids, never personal data",
    fields={
        "id": ROW_ID,
        "args_kwargs": inv.not_personal("ids only: jobs are enqueued with ids, never data"),
        "return_value": inv.not_personal("counts and ids only"),
        # A database error's message can quote the row it refused (PostgreSQL: "Key (username)=
        # (ada) already exists"), so the text is treated as personal; it expires with the row.
        "traceback": inv.personal("system.operations", purposes=["security"], erasure="delete"),
        **{
            name: inv.not_personal("job state")
            for name in (
                "status",
                "enqueued_at",
                "started_at",
                "finished_at",
                "priority",
                "task_path",
                "worker_ids",
                "queue_name",
                "backend_name",
                "run_after",
                "exception_class_path",
            )
        },
    },
)
