"""The hosted pages the payer sees on the gateway's own origin: the card form, the wallet's
approval page, and the pages for a finished or unknown session.

Plain HTML with one stylesheet served by the gateway itself: no script, nothing from elsewhere.
Every control has a visible label and the ``autocomplete`` token browsers and password managers
know; an error is shown beside its field (tied to it by ``aria-describedby``, the field marked
``aria-invalid``) and listed, with a link to the field, in a summary at the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

STYLESHEET = """
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  background: #f3f4f6; line-height: 1.5; }
body { margin: 0; }
header { background: #14213d; color: #fff; padding: .75rem 1rem; }
header p { margin: 0; font-weight: 600; }
main { max-width: 34rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem;
  border-radius: .5rem; border: 1px solid #d0d4da; }
h1 { font-size: 1.5rem; margin-top: 0; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 700; font-size: 1.1rem; margin-bottom: .5rem; padding: 0; }
.field { margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.hint { display: block; color: #4a4f57; font-size: .9rem; margin: 0 0 .25rem; }
input { width: 100%; font: inherit; padding: .6rem .7rem; border: 2px solid #5f6670;
  border-radius: .3rem; min-height: 2.75rem; }
input:focus, button:focus, a:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
input[aria-invalid="true"] { border-color: #a4001d; }
.row { display: flex; gap: 1rem; flex-wrap: wrap; }
.row .field { flex: 1 1 10rem; }
.error { color: #a4001d; font-weight: 600; margin: .25rem 0 0; }
.summary { border: 3px solid #a4001d; padding: 1rem; margin-bottom: 1.5rem; }
.summary h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.summary ul { margin: 0; padding-left: 1.25rem; }
.summary a { color: #a4001d; }
.actions { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-top: 1.5rem; }
button { font: inherit; font-weight: 700; background: #1a4fa0; color: #fff; border: 0;
  border-radius: .3rem; padding: .7rem 1.4rem; min-height: 2.75rem; cursor: pointer; }
a { color: #1a4fa0; }
.actions a { display: inline-block; padding: .6rem .25rem; min-height: 2.75rem; }
.muted { color: #4a4f57; font-size: .9rem; }
"""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    autocomplete: str
    hint: str = ""
    inputmode: str = ""
    optional: bool = False
    secret: bool = False  # never filled back in after an error (the number, the CVC)


CARD_FIELDS = (
    Field("number", "Card number", "cc-number", inputmode="numeric", secret=True),
    Field("expiry", "Expiry date", "cc-exp", hint="As on the card: MM/YY, for example 04/29"),
    Field("cvc", "Security code", "cc-csc", hint="3 or 4 digits", inputmode="numeric", secret=True),
    Field("name", "Name on the card", "cc-name"),
)
ADDRESS_FIELDS = (
    Field("address_line1", "Address line 1", "billing address-line1"),
    Field("address_line2", "Address line 2", "billing address-line2", optional=True),
    Field("city", "Town or city", "billing address-level2"),
    Field("postal_code", "Postcode", "billing postal-code"),
    Field("country", "Country code", "billing country", hint="Two letters, for example DE or FR"),
)
WALLET_FIELDS = (Field("email", "Wallet e-mail address", "email"),)


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Test payment gateway</title>
<link rel="stylesheet" href="/static/form.css">
</head>
<body>
<header><p>Test payment gateway</p></header>
<main>
{body}
</main>
</body>
</html>
"""


def _field(spec: Field, values: dict[str, str], errors: dict[str, str]) -> str:
    ident = f"f-{spec.name}"
    described = []
    hint = ""
    if spec.hint:
        hint = f'<span class="hint" id="{ident}_hint">{escape(spec.hint)}</span>'
        described.append(f"{ident}_hint")
    error = ""
    if spec.name in errors:
        error = f'<p class="error" id="{ident}_error">{escape(errors[spec.name])}</p>'
        described.append(f"{ident}_error")
    value = "" if spec.secret else values.get(spec.name, "")
    attributes = [
        f'id="{ident}"',
        f'name="{spec.name}"',
        'type="email"' if spec.name == "email" else 'type="text"',
        f'autocomplete="{spec.autocomplete}"',
        f'value="{escape(value)}"',
        'spellcheck="false"',
    ]
    if spec.inputmode:
        attributes.append(f'inputmode="{spec.inputmode}"')
    if not spec.optional:
        attributes.append('aria-required="true"')
    if described:
        attributes.append(f'aria-describedby="{" ".join(described)}"')
    if spec.name in errors:
        attributes.append('aria-invalid="true"')
    optional = " (optional)" if spec.optional else ""
    label = f'<label for="{ident}">{escape(spec.label)}{optional}</label>'
    return f'<div class="field">{label}{hint}<input {" ".join(attributes)}>{error}</div>'


def _summary(errors: dict[str, str], order: tuple[Field, ...]) -> str:
    if not errors:
        return ""
    items = "".join(
        f'<li><a href="#f-{f.name}">{escape(errors[f.name])}</a></li>'
        for f in order
        if f.name in errors
    )
    return (
        '<div class="summary" role="alert" aria-labelledby="summary-heading">'
        '<h2 id="summary-heading">There is a problem</h2>'
        f"<ul>{items}</ul></div>"
    )


def _actions(submit: str, cancel_url: str) -> str:
    return (
        f'<div class="actions"><button type="submit">{escape(submit)}</button>'
        f'<a href="{escape(cancel_url)}">Cancel and go back</a></div>'
    )


def card_form(
    *,
    action: str,
    merchant: str,
    cancel_url: str,
    values: dict[str, str],
    errors: dict[str, str],
) -> str:
    cards = "".join(_field(f, values, errors) for f in CARD_FIELDS)
    address = "".join(_field(f, values, errors) for f in ADDRESS_FIELDS)
    body = f"""<h1>Add a card</h1>
<p>{escape(merchant)} will be able to charge this card for what you owe. Your card number and
security code go only to the payment gateway; {escape(merchant)} never sees them.</p>
{_summary(errors, CARD_FIELDS + ADDRESS_FIELDS)}
<form method="post" action="{escape(action)}" novalidate>
<fieldset><legend>Card details</legend>{cards}</fieldset>
<fieldset><legend>Billing address</legend>{address}</fieldset>
{_actions("Save the card", cancel_url)}
</form>
<p class="muted">Test mode: use 4242 4242 4242 4242 with any future expiry date and any security
code.</p>"""
    return _page(("Error: " if errors else "") + "Add a card", body)


def wallet_form(
    *,
    action: str,
    merchant: str,
    cancel_url: str,
    values: dict[str, str],
    errors: dict[str, str],
) -> str:
    fields = "".join(_field(f, values, errors) for f in WALLET_FIELDS)
    body = f"""<h1>Approve {escape(merchant)}</h1>
<p>Let {escape(merchant)} charge your test wallet for what you owe, until you remove it. You can
remove it at any time from your account with {escape(merchant)}.</p>
{_summary(errors, WALLET_FIELDS)}
<form method="post" action="{escape(action)}" novalidate>
{fields}
{_actions("Approve", cancel_url)}
</form>"""
    return _page(("Error: " if errors else "") + "Approve the wallet", body)


def finished(*, return_url: str) -> str:
    body = f"""<h1>Already done</h1>
<p>This payment method has already been added.</p>
<p><a href="{escape(return_url)}">Go back to the shop</a></p>"""
    return _page("Already done", body)


def not_found() -> str:
    body = """<h1>Page not found</h1>
<p>This link does not lead to a payment form, or the form has expired. Go back to the shop and
start again.</p>"""
    return _page("Page not found", body)
