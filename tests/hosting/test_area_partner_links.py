"""``{% partner_link url label %}``: a partner's site, with rel="noopener noreferrer" and the
notice, read with the link, that the site has its own privacy practices (SHR-8)."""

from __future__ import annotations

from django.template import Context, Template


def render(source: str, **context: object) -> str:
    return Template("{% load partner_links %}" + source).render(Context(context))


def test_it_links_with_noopener_noreferrer_and_the_notice():
    shown = render('{% partner_link url "Test Registrar Ltd" %}', url="http://127.0.0.1:8060/")

    assert shown == (
        '<a href="http://127.0.0.1:8060/" rel="noopener noreferrer" class="partner-link">'
        'Test Registrar Ltd <span class="muted">(opens the registrar&#x27;s own site, which '
        "has its own privacy practices)</span></a>"
    )


def test_it_names_another_partner():
    shown = render('{% partner_link "https://pay.example/" "Pay" whose="the payment service" %}')

    assert "(opens the payment service&#x27;s own site" in shown


def test_it_escapes_what_it_is_given():
    shown = render("{% partner_link url label %}", url='https://x.example/?a="b"', label="<b>")

    assert 'href="https://x.example/?a=&quot;b&quot;"' in shown
    assert "&lt;b&gt;" in shown


def test_a_url_that_is_not_a_web_address_is_shown_as_text():
    assert render('{% partner_link "javascript:alert(1)" "Click" %}') == "Click"
