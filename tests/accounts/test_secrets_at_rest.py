"""Neither the data database nor a backup of it holds anything that signs anyone in.

After a customer enrols an authenticator and signs in with it, and a staff member signs in with
theirs, every table of the data database is read with raw SQL, every column as text (and blobs
as hex too): no authenticator secret (hex, base32 or base64), no recovery code and no session
cookie may appear. A backup holds no session at all, and the second factor only sealed or hashed.
"""

import base64
import gzip
import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from clientvault.accounts.models import AuthenticatorDevice, RecoveryCode
from tests.accounts import personas
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")
SESSION_TABLES = {"accounts.storedsession", "accounts.usersession"}


def code(key: str, offset: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key))
    totp.time += offset
    return f"{totp.token():06d}"


def cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Secrets:
    """Every secret that would sign someone in, as the tests gather them."""

    def __init__(self) -> None:
        self.keys: list[str] = []  # authenticator secrets, hex
        self.codes: list[str] = []  # recovery codes
        self.cookies: list[str] = []  # session keys, as the browsers hold them

    def forms(self) -> list[str]:
        """Each secret in each form it could be stored in."""
        found = [*self.codes, *self.cookies]
        for key in self.keys:
            raw = bytes.fromhex(key)
            found += [
                key,
                base64.b32encode(raw).decode().rstrip("="),
                base64.b64encode(raw).decode(),
            ]
        return found

    def found_in(self, text: str) -> list[str]:
        folded = text.casefold()
        return [s for s in self.forms() if s in text or s.casefold() in folded]


def enrol_and_sign_in(secrets: Secrets) -> None:
    """The customer enrols through the pages, then signs in again with a code; both clients
    stay signed in."""
    client = Client()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    secrets.cookies.append(cookie(client))
    client.get(SETUP)
    key = client.session["cv_totp_setup_key"]
    secrets.keys.append(key)
    response = client.post(SETUP, {"code": code(key, offset=-30)})
    secrets.cookies.append(cookie(client))
    page = client.get(response["Location"]).content.decode()
    secrets.codes += re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(secrets.codes) == 10
    again = Client()
    again.post(LOGIN, {"username": "ada", "password": PASSWORD})
    secrets.cookies.append(cookie(again))
    assert again.post(VERIFY, {"code": code(key)}).status_code == 302
    secrets.cookies.append(cookie(again))


def staff_signs_in(secrets: Secrets) -> None:
    staff = make_staff("support")
    key = AuthenticatorDevice.objects.get(user=staff).key
    secrets.keys.append(key)
    client = Client()
    client.post(LOGIN, {"username": staff.username, "password": PASSWORD})
    secrets.cookies.append(cookie(client))
    assert client.post(VERIFY, {"code": code(key)}).status_code == 302
    secrets.cookies.append(cookie(client))


@pytest.fixture
def secrets(customer) -> Secrets:
    gathered = Secrets()
    enrol_and_sign_in(gathered)
    staff_signs_in(gathered)
    assert RecoveryCode.objects.count() == len(gathered.codes)  # stored, as hashes
    return gathered


def _as_text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        data = bytes(value)
        return f"{data.hex()} {data.decode('latin-1')}"
    return str(value)


def data_database_text() -> str:
    """Every value of every table of the data database, read with raw SQL."""
    connection = connections["default"]
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts += [_as_text(value) for row in cursor.fetchall() for value in row]
    return "\n".join(parts)


def test_the_data_database_holds_no_secret_that_signs_anyone_in(secrets):
    text = data_database_text()
    assert secrets.found_in(text) == []
    assert AuthenticatorDevice.objects.count() == 2  # the devices are there, sealed


def test_a_backup_holds_no_session_and_no_usable_second_factor(secrets, tmp_path):
    path = tmp_path / "data.cvbackup"
    call_command("backup", str(path), stdout=StringIO())
    header, _, rows = gzip.decompress(path.read_bytes()).decode().partition("\n")
    labels = {json.loads(line)["model"] for line in rows.splitlines()}
    assert not SESSION_TABLES & labels
    assert not {label.lower() for label in json.loads(header)["counts"]} & SESSION_TABLES
    assert {"accounts.authenticatordevice", "accounts.recoverycode"} <= labels
    assert secrets.found_in(rows) == []
