"""Declarations of the legal register: demands, the subjects they name, releases, packages and
transparency reports.

A demand's own fields describe the authority and its order, not a person (its subjects are
linked by id in ``DemandSubject``); a package, the data actually released, is sealed for the
person it concerns, so erasing them makes an undelivered copy unreadable too.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

LEGAL = ["legal_obligation"]
CASE = "about the authority's order, never about a person"

inv.declare(
    "legal.Demand",
    subject=None,
    description="Demands for data from authorities and others (SHR-5, SHR-7): the register",
    fields={
        "id": inv.not_personal("row id"),
        "reference": inv.not_personal("random case reference"),
        "authority": inv.not_personal("the name of the authority or body that asked"),
        "jurisdiction": inv.not_personal("a country code"),
        "demand_type": inv.not_personal("the kind of legal process"),
        "ground": inv.not_personal("the disclosure ground it rests on"),
        "harm_reference": inv.not_personal("the number of the abuse ticket it acts on"),
        "their_reference": inv.not_personal("the authority's own case or docket number"),
        "received_on": inv.not_personal("when"),
        "due_on": inv.not_personal("the deadline"),
        "handler": inv.not_personal("link to the staff login handling it"),
        "status": inv.not_personal("where the case stands"),
        "reason": inv.not_personal("the legal team's reasoning " + CASE),
        "notice_forbidden_until": inv.not_personal("until when an order forbids notice"),
        "followup_due_on": inv.not_personal("when an emergency's formal demand is due"),
        "created_at": inv.not_personal("when"),
        "closed_at": inv.not_personal("when"),
    },
)

inv.declare(
    "legal.DemandSubject",
    subject="subject",
    description="The people a demand names and the categories it asks for",
    hidden_from_subject="told to the person only through the disclosure register, once the law "
    "allows",
    fields={
        "id": inv.not_personal("row id"),
        "demand": inv.not_personal("link to the demand"),
        "subject": inv.not_personal("link to the person"),
        "categories": inv.not_personal("data category codes"),
    },
)

inv.declare(
    "legal.DemandEvent",
    subject=None,
    description="Each step of a demand: who (by id), when, which step and why",
    fields={
        "id": inv.not_personal("row id"),
        "demand": inv.not_personal("link to the demand"),
        "at": inv.not_personal("when"),
        "step": inv.not_personal("which step"),
        "actor_id": inv.not_personal("id of who took the step"),
        "reason": inv.not_personal("the legal team's reasoning " + CASE),
    },
)

inv.declare(
    "legal.Release",
    subject=None,
    description="What was released for a demand, prepared by one person and approved by another",
    fields={
        "id": inv.not_personal("row id"),
        "demand": inv.not_personal("link to the demand"),
        "categories": inv.not_personal("subject ids and data category codes"),
        "status": inv.not_personal("where the release stands"),
        "prepared_by": inv.not_personal("link to the staff login that prepared it"),
        "prepared_at": inv.not_personal("when"),
        "approved_by": inv.not_personal("link to the staff login that approved it"),
        "approved_at": inv.not_personal("when"),
        "token_digest": inv.not_personal("hash of the random secret in the authority's link"),
        "expires_at": inv.not_personal("when the link lapses"),
        "delivered_at": inv.not_personal("when it was first downloaded"),
    },
)

inv.declare(
    "legal.Package",
    subject="subject",
    description="One person's data as released to an authority, sealed for them",
    hidden_from_subject="a copy of the person's own data; what was disclosed, to whom and when is "
    "in the disclosure register, shown once the law allows",
    fields={
        "id": inv.not_personal("row id"),
        "release": inv.not_personal("link to the release"),
        "subject": inv.not_personal("link to the person"),
        "disclosure": inv.not_personal("link to the disclosure register's entry"),
        "document": inv.personal("user.legal", purposes=LEGAL, erasure="shred"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "legal.TransparencyReport",
    subject=None,
    description="Published counts of demands and disclosures per half-year",
    fields={
        "period": inv.not_personal("the half-year"),
        "id": inv.not_personal("row id"),
        "figures": inv.not_personal("counts only"),
        "computed_at": inv.not_personal("when"),
        "published_at": inv.not_personal("when"),
    },
)
