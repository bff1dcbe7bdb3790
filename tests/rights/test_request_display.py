"""How a request reads on its pages: its steps, and an erasure's outcome one row per kind."""

import datetime

from clientvault.rights.models import RequestEvent, RightsRequest

KEPT = {"label": "Consents", "outcome": "kept", "why": "GDPR Art. 7(1)", "kept_until": "2033-12-03"}


def test_a_step_reads_as_words():
    assert RequestEvent(step="awaiting_verification").step_text == "Awaiting verification"
    assert RequestEvent(step="in_progress").step_text == "In progress"
    assert RequestEvent(step="paused-held").step_text == "Paused held"


def test_an_outcome_shows_each_kind_outcome_and_reason_once():
    erased = {"label": "Name", "outcome": "erased", "why": "", "kept_until": None}
    lines = [erased, {**erased, "where": "b"}, KEPT, {**KEPT, "where": "x"}]
    rows = RightsRequest(outcome={"lines": lines}).outcome_rows
    assert [(r["label"], r["outcome"]) for r in rows] == [("Name", "erased"), ("Consents", "kept")]
    assert rows[1]["kept_until"] == datetime.date(2033, 12, 3)
    assert rows[0]["kept_until"] is None
    assert RightsRequest().outcome_rows == []
