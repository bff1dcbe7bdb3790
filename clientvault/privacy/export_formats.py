"""The right of access export in the forms a person can use: JSON, a ZIP of CSV files, a PDF.

Each function takes what :func:`clientvault.privacy.services.export.export_subject` returns and
gives bytes; the same export always gives the same bytes (for the ZIP, its entries are dated at
the export's own time). ``docs/export.md`` describes the files, ``docs/export-schema.json`` the
JSON. Cells that a spreadsheet would run as a formula are prefixed with a quote. The PDF is
rendered by WeasyPrint from ``privacy/export_pdf.html`` with inline CSS only, and a fetcher that
refuses every URL: making it never reaches the network (nor a file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from clientvault.privacy.services.export import Cell, Records, SubjectExport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT = {
    "erased": "[erased]",
    "not_shown": "[held, not shown]",
    "withheld": "[withheld: another person's]",
}
CONSENT_COLUMNS = ["at", "purpose", "granted", "source", "reference"]
ACCEPTANCE_COLUMNS = ["at", "version", "effective_date", "channel"]
DISCLOSURE_COLUMNS = ["at", "recipient_kind", "recipient", "categories", "ground"]
ACCESS_COLUMNS = ["at", "role", "action", "what", "purpose"]
README = """\
Your personal data held by {operator}
Export made {generated} (format version {version}) for {reference}.

export.json            Everything in this archive, in one file (UTF-8 JSON; its schema is
                       export-schema.json in the documentation of the service).
records/<model>.csv    One file per kind of record we keep: a row per record, a column per
                       field. A file with a header alone means we hold no such record of yours.
consents.csv           Every consent you gave or refused, with its date and how.
policy_acceptances.csv The versions of our privacy policy you accepted.
disclosures.csv        Who outside received your data, which data, on what ground, when.
accesses.csv           When our staff viewed your data, by their role (never by name).

Marks in the cells:
  [erased]                      the value was erased; nobody can read it any more
  [held, not shown]             a password, security answer or other secret: we hold it only
                                in a form that cannot be read back, and never give it out
  [withheld: another person's]  the value belongs to another person on your account
A cell that begins with ' had that quote added so spreadsheets show it as text.
The CSV files are UTF-8 with a byte order mark, comma-separated.

Questions: {contact}
"""


class Table(TypedDict):
    title: str
    model: str
    description: str
    rows: list[list[tuple[str, str]]]


def as_json(export: SubjectExport) -> bytes:
    """The export as UTF-8 JSON, keys sorted, so that equal exports give equal bytes."""
    text = json.dumps(export, sort_keys=True, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def value_text(value: Any) -> str:
    """A JSON value as a person reads it in a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def cell_text(cell: Cell) -> str:
    return CELL_TEXT.get(cell["state"]) or value_text(cell["value"])


def safe_cell(text: str) -> str:
    """The text as a spreadsheet shows it, never runs it: a formula's first sign is quoted."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(text) for text in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def records_csv(records: Records) -> bytes:
    """One model's rows: the row id, then a column per field (header from field names)."""
    names = [f["name"] for f in records["fields"] if f["name"] != "id"]
    rows = ([row["id"], *(cell_text(row["cells"][n]) for n in names)] for row in records["rows"])
    return _csv(["id", *names], rows)


def _register_csv(entries: Sequence[Any], columns: list[str]) -> bytes:
    return _csv(columns, ([value_text(entry[c]) for c in columns] for entry in entries))


def _readme(export: SubjectExport) -> bytes:
    controller = export["controller"]
    return README.format(
        operator=controller["name"],
        generated=export["generated_at"],
        version=export["schema_version"],
        reference=export["subject"]["reference"],
        contact=controller["privacy_contact"],
    ).encode("utf-8")


def zip_members(export: SubjectExport) -> list[tuple[str, bytes]]:
    """The archive's files, in the order they are written."""
    members = [("README.txt", _readme(export)), ("export.json", as_json(export))]
    registers = [
        ("accesses.csv", _register_csv(export["accesses"], ACCESS_COLUMNS)),
        ("consents.csv", _register_csv(export["consents"], CONSENT_COLUMNS)),
        ("disclosures.csv", _register_csv(export["disclosures"], DISCLOSURE_COLUMNS)),
        ("policy_acceptances.csv", _register_csv(export["policy_acceptances"], ACCEPTANCE_COLUMNS)),
    ]
    records = [(f"records/{r['model']}.csv", records_csv(r)) for r in export["records"]]
    return members + registers + sorted(records)


def _zip_time(export: SubjectExport) -> tuple[int, int, int, int, int, int]:
    at = dt.datetime.fromisoformat(export["generated_at"]).astimezone(dt.UTC)
    return (at.year, at.month, at.day, at.hour, at.minute, at.second)


def as_zip(export: SubjectExport) -> bytes:
    """A ZIP of README.txt, export.json and a CSV per model and register, always in one order."""
    buffer = io.BytesIO()
    when = _zip_time(export)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in zip_members(export):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _table(records: Records) -> Table:
    labels = {f["name"]: f["label"] for f in records["fields"]}
    return Table(
        title=records["title"],
        model=records["model"],
        description=records["description"],
        rows=[
            [(labels[name], cell_text(cell)) for name, cell in row["cells"].items()]
            for row in records["rows"]
        ],
    )


def as_html(export: SubjectExport) -> str:
    """The printable export's HTML (the PDF's source), for a person to read."""
    held = [r for r in export["records"] if r["rows"]]
    empty = [r["title"] for r in export["records"] if not r["rows"]]
    generated = dt.datetime.fromisoformat(export["generated_at"])
    context = {
        "export": export,
        "generated": generated,
        "tables": [_table(r) for r in held],
        "empty": empty,
    }
    return render_to_string("privacy/export_pdf.html", context)


class _NoFetching(URLFetcher):  # type: ignore[misc]
    """Refuses every URL: the document needs nothing outside its own HTML and inline CSS."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError("the export fetches nothing")


def as_pdf(export: SubjectExport) -> bytes:
    """The export as a PDF for a person to read, made without any network access."""
    document = HTML(string=as_html(export), base_url=None, url_fetcher=_NoFetching())
    pdf: bytes = document.write_pdf()
    return pdf
