"""Policy versions (POL-1) and acceptance (POL-2)."""

import datetime
import hashlib
import threading

import pytest
from django.db import connections
from django.utils import timezone

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent, PolicyAcceptance, PolicyVersion, Subject
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.policy import (
    PolicyError,
    accepted_version,
    publish_policy,
    record_acceptance,
    superseded_by,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def use_preset(settings):
    def switch(name: str) -> None:
        settings.CLIENTVAULT_POLICY = PRESETS_DIR / f"{name}.toml"
        current_profile.cache_clear()

    return switch


def test_it_publishes_the_first_version_with_its_hash_date_and_audit_event():
    version = publish_policy(today=DAY)
    assert version.number == 1
    assert version.effective_date == DAY
    assert version.content_hash == hashlib.sha256(version.html.encode()).hexdigest()
    assert "Example Hosting Ltd" in version.html
    event = AuditEvent.objects.get(action="policy.published")
    assert event.object_id == str(version.pk)
    assert event.details == {"number": 1, "content_hash": version.content_hash}


def test_it_creates_no_new_version_for_the_same_content(client):
    first = publish_policy(today=DAY)
    assert publish_policy() == first
    assert client.get("/privacy").status_code == 200
    assert PolicyVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="policy.published").count() == 1


def test_a_changed_profile_creates_a_new_version_listed_beside_the_old(client, use_preset):
    publish_policy(today=DAY)
    use_preset("partner-opt-out")
    html = " ".join(client.get("/privacy").content.decode().split())
    assert "Version 2, effective from" in html
    assert "selected partners" in html
    listing = client.get("/privacy/versions").content.decode()
    first, second = PolicyVersion.objects.order_by("number")
    for version in (first, second):
        assert f'href="/privacy/versions/{version.number}"' in listing
        assert version.content_hash[:12] in listing
    assert second.number == 2
    assert second.effective_date == timezone.localdate()


def test_an_old_version_says_what_superseded_it(client, use_preset):
    publish_policy(today=DAY)
    use_preset("no-sharing")  # the page publishes the changed policy before answering
    old = " ".join(client.get("/privacy/versions/1").content.decode().split())
    assert "superseded by" in old
    assert 'href="/privacy/versions/2">version 2</a>' in old
    assert "1 March 2025" in old
    current = client.get("/privacy/versions/2").content.decode()
    assert "the version currently in force" in current


def test_each_version_is_superseded_by_the_next_not_the_newest(client, use_preset):
    first = publish_policy(today=DAY)
    use_preset("no-sharing")
    second = publish_policy()
    use_preset("need-to-know")
    third = publish_policy()
    assert [superseded_by(v) for v in (first, second, third)] == [second, third, None]
    oldest = " ".join(client.get("/privacy/versions/1").content.decode().split())
    assert 'superseded by <a href="/privacy/versions/2">version 2</a>' in oldest
    assert "/privacy/versions/3" not in oldest
    middle = " ".join(client.get("/privacy/versions/2").content.decode().split())
    assert 'superseded by <a href="/privacy/versions/3">version 3</a>' in middle


def test_changing_back_to_earlier_content_is_a_new_version(use_preset):
    first = publish_policy(today=DAY)
    use_preset("no-sharing")
    publish_policy()
    use_preset("need-to-know")
    third = publish_policy()
    assert third.number == 3
    assert third.content_hash == first.content_hash


def test_a_published_version_is_immutable():
    version = publish_policy(today=DAY)
    version.html = "<p>rewritten</p>"
    with pytest.raises(PermissionError, match="immutable"):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()
    assert PolicyVersion.objects.get().html != "<p>rewritten</p>"


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="SQLite's shared in-memory test database locks whole tables instead of waiting",
)
@pytest.mark.django_db(databases=["default", "keys"], transaction=True)
def test_concurrent_publishers_create_one_version():
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def publish() -> None:
        try:
            barrier.wait()
            publish_policy()
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert PolicyVersion.objects.count() == 1


@pytest.fixture
def subject():
    return Subject.objects.create()


def test_it_records_acceptance_against_the_version_accepted(subject, use_preset):
    first = publish_policy(today=DAY)
    use_preset("no-sharing")
    second = publish_policy()
    acceptance = record_acceptance(subject=subject, version=first, channel="signup", actor=SYSTEM)
    assert acceptance.version == first
    assert accepted_version(subject=subject) == first
    record_acceptance(subject=subject, version=second, channel="login", actor=SYSTEM)
    assert accepted_version(subject=subject) == second
    event = AuditEvent.objects.filter(action="policy.accepted").first()
    assert event is not None
    assert event.subject_id == subject.id
    assert event.details == {"version": 1, "channel": "signup"}


def test_accepting_the_same_version_twice_records_it_once(subject):
    version = publish_policy(today=DAY)
    first = record_acceptance(subject=subject, version=version, channel="signup", actor=SYSTEM)
    again = record_acceptance(subject=subject, version=version, channel="login", actor=SYSTEM)
    assert again == first
    assert PolicyAcceptance.objects.count() == 1
    assert AuditEvent.objects.filter(action="policy.accepted").count() == 1


def test_a_subject_who_accepted_nothing_has_no_accepted_version(subject):
    publish_policy(today=DAY)
    assert accepted_version(subject=subject) is None


def test_it_refuses_an_unknown_channel(subject):
    version = publish_policy(today=DAY)
    with pytest.raises(PolicyError, match="unknown acceptance channel 'pigeon'"):
        record_acceptance(subject=subject, version=version, channel="pigeon", actor=SYSTEM)
    assert not PolicyAcceptance.objects.exists()


def test_it_refuses_acceptance_by_an_erased_subject(subject):
    version = publish_policy(today=DAY)
    subject.erased_at = timezone.now()
    subject.save()
    with pytest.raises(PolicyError, match="is erased"):
        record_acceptance(subject=subject, version=version, channel="signup", actor=SYSTEM)
