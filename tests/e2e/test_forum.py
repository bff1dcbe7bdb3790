"""A member posts in the public forum after its warning (CTL-5): the warning shows before the
text box, the reply is refused until the acknowledgement is ticked, a card number in it is
removed (the member told why) before anything is posted; every forum page passes axe-core."""

import pytest
from django.urls import reverse

from clientvault.support.models import Post
from tests.accounts.personas import PASSWORD
from tests.e2e.axe import assert_accessible
from tests.e2e.support import error_for, overflow_on_phone, sign_in_with_browser, submit
from tests.support.forum_fixtures import FIRST_POST, PUBLIC_ACK, a_thread

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

WARNING = "What you post here is public"


def test_a_member_replies_after_the_public_warning(page, customer, outsider, shot):
    thread = a_thread(outsider, title="Which PHP version?")
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("support:forum"))
    assert_accessible(page, "the forum")
    page.get_by_role("link", name="Getting started").click()
    assert_accessible(page, "a category")
    page.get_by_role("link", name="Which PHP version?").click()
    assert FIRST_POST in page.locator("main").inner_text()
    assert "Otto M." in page.locator("main").inner_text()
    assert_accessible(page, "a thread")
    page.get_by_role("link", name="Reply", exact=True).click()
    main = page.locator("main")
    warning = page.get_by_role("note").filter(has_text=WARNING)
    assert warning.is_visible()
    box = page.get_by_label("Your post", exact=True)
    assert warning.bounding_box()["y"] < box.bounding_box()["y"]  # read before the text box
    assert overflow_on_phone(page) == []
    assert_accessible(page, "the reply form")
    shot(page, "forum-reply")

    box.fill("PHP 8.3 works for me. My card is 4242 4242 4242 4242")
    submit(page)
    page.wait_for_load_state()
    assert "Tick" in error_for(page, PUBLIC_ACK)
    assert "4242" not in main.inner_text() + box.input_value()
    assert "We removed" in main.inner_text()  # and the member is told why
    assert_accessible(page, "the reply form with its error")
    assert Post.objects.filter(thread=thread).count() == 1

    page.get_by_label(PUBLIC_ACK, exact=True).check()
    submit(page)
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith(reverse("support:thread", args=[thread.pk]))
    shown = main.inner_text()
    assert "PHP 8.3 works for me. My card is [card number removed]" in shown
    assert "Your reply is published." in page.locator(".messages").inner_text()
    assert "Ada L." in shown
    assert_accessible(page, "the thread after the reply")
    reply = Post.objects.filter(thread=thread).order_by("created_at").last()
    assert reply.author == customer
    assert "4242" not in reply.body
