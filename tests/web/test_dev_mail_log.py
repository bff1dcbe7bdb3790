"""Development mail and texts reach the development mailbox, never the server log (DEBUG)."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from tests.cli import clientvault, development_env, migrated, migrated_var

__all__ = ["migrated", "migrated_var"]  # fixtures

LINK = re.compile(r"https?://\S+")
CODE = re.compile(r"\b\d{6}\b")
WALK = "exec(open('tests/web/devmail_walk.py').read())"
# Addresses and numbers the walk sends to, the paths of its links, the wording around codes.
KNOWN = {
    "identity check code",
    "Read this code",
    "carol@example.com",
    "kai.mueller@example.de",
    "devops@orbit-analytics.example",
    "+442079460322",
    "/password-reset/",
    "/invitations/",
}


def kept(var):
    """Every message in the mailbox: (to, subject, body)."""
    found = []
    for path in sorted((var / "mail").glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        found.append((str(message["To"]), str(message["Subject"]), body))
    return found


def secrets_in(messages):
    """What must never reach a log: addresses, numbers, links (and the paths of those that carry
    an id or a token, such as /password-reset/<token>: a page's bare name, such as "account" of
    the billing notices' link to the customer area, is no secret), codes."""
    found = set()
    for to, _, body in messages:
        found.add(to)
        for link in LINK.findall(body):
            found.add(link)
            path = link.split("://", 1)[1].split("/", 1)[1]
            if "/" in path.strip("/"):
                found.add(path)
        if "code" in body:
            found.update(CODE.findall(body))
    return found


def test_mail_and_texts_reach_the_mailbox_and_nothing_of_them_the_log(migrated):
    walked = clientvault(development_env(migrated), "shell", "--verbosity=0", "-c", WALK)
    assert walked.returncode == 0, walked.stderr
    messages = kept(migrated)
    log = walked.stdout + walked.stderr
    leaked = sorted(secret for secret in KNOWN | secrets_in(messages) if secret in log)
    assert leaked == []
    subjects = {(to, subject) for to, subject, _ in messages}
    assert ("carol@example.com", "Reset your password") in subjects
    assert ("carol@example.com", "Your identity check code") in subjects
    assert ("+442079460322", "Text message") in subjects
    assert ("devops@orbit-analytics.example", "You are invited to a hosting account") in subjects


def test_development_mail_goes_to_the_mailbox_by_default(tmp_path):
    shown = clientvault(
        development_env(tmp_path),
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; "
        "print(settings.EMAIL_BACKEND, settings.CLIENTVAULT_MAILBOX_DIR)",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        "clientvault.messaging.mailbox.MailboxBackend",
        str(tmp_path / "mail"),
    ]


def test_the_mailbox_is_refused_in_production(tmp_path):
    env = development_env(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="hosting.example.com",
        CLIENTVAULT_MASTER_KEY_FILE=str(tmp_path / "missing.key"),
        EMAIL_URL="mailbox://",
    )
    refused = clientvault(env, "check")
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "clientvault: EMAIL_URL mailbox:// is for development only (DEBUG=1)"
    ]
