"""A labelled set of ticket texts for the secret redactor: each text with the secrets in it.

Built, deterministically, from public test card numbers (the payment providers' published test
PANs of Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Maestro and
Mir), the IBAN registry's and banks' published example IBANs, made-up passwords and API keys of
the providers' documented shapes (random bodies, put together at import so that no file holds a
token-shaped string), and ticket prose in several languages and styles; and near-misses that
must be left alone: order and invoice numbers, telephone numbers, tracking codes, dates, IP
addresses, version numbers, UUIDs, domain names, numbers failing the Luhn check, masked cards,
invalid IBANs and prose about passwords without one.

``CASES`` is the set; tests/privacy/redaction_scoring.py counts a recogniser's hits and misses
on it.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

from clientvault.privacy.redaction import SecretKind as K
from tests.privacy.redaction_near_misses import NEAR_MISSES

Expected = tuple[tuple[K, str], ...]


def _words(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class Case:
    text: str
    secrets: Expected = ()
    group: str = ""

    def spans(self) -> list[tuple[K, int, int]]:
        """The labelled secrets' spans: each substring found after the one before it."""
        spans, position = [], 0
        for kind, secret in self.secrets:
            start = self.text.index(secret, position)
            spans.append((kind, start, start + len(secret)))
            position = start + len(secret)
        return spans


# Card numbers -----------------------------------------------------------------------------------

CARDS = {
    "Visa": """4242424242424242 4000056655665556 4012888888881881 4111111111111111 4222222222222
        4917610000000000 4988438843884305 4166676667666746 4646464646464644 4000000000003220
        4000002500003155 4000000000009995 4000000760000002 4444333322221111 4035501000000008
        4400000000000008 4917300800000000 4484070000000000""",
    "Mastercard": """5555555555554444 2223003122003222 5200828282828210 5105105105105100
        5454545454545454 2222400070000005 5101180000000007 2223000048410010 5555341244441115
        5577000055770004 5136333333333335""",
    "American Express": """378282246310005 371449635398431 378734493671000 370000000000002
        340000000000009 374251018720018 370000000100018""",
    "Discover": """6011111111111117 6011000990139424 6011981111111113 6445644564456445
        6011601160116611 6011000400000000""",
    "Diners Club": """3056930009020004 36227206271667 30569309025904 38520000023237
        36006666333344 36148900647913""",
    "JCB": "3566002020360505 3530111333300000 3566111111111113 3569990010095841 3569990010030400",
    "UnionPay": """6200000000000005 6205500000000000004 6243030000000001 6250941006528599
        6212345678901265 6250946000000016""",
    "Maestro": "6759649826438453 6799990100000000019 5000550000000029 6771798021000008",
    "Mir": "2200000000000004 2201382000000013",
}
PANS = [(brand, pan) for brand, pans in CARDS.items() for pan in _words(pans)]


def grouped(pan: str, separator: str) -> str:
    """A card number as printed on the card: 4-6-5 (15), 4-6-4 (14), else groups of four."""
    if not separator:
        return pan
    cuts = {15: (4, 10), 14: (4, 10)}.get(len(pan), tuple(range(4, len(pan), 4)))
    parts = [pan[a:b] for a, b in zip((0, *cuts), (*cuts, len(pan)), strict=True)]
    return separator.join(parts)


# (template, whether it carries a security code after the card)
CARD_TEMPLATES = [
    "Hi, please charge the renewal to my card {card}. Thanks!",
    "My card number is {card}, expiry 09/28.",
    "Card: {card}\nExp: 11/27\nName: J. Doe",
    "can u just use {card} for invoice INV-2026-000123 pls",
    "Hallo, bitte buchen Sie den Betrag von meiner Kreditkarte {card} ab.",
    "Bonjour, voici ma carte bancaire : {card}. Merci de régler la facture.",
    "Hola, mi tarjeta es {card} y caduca en 03/29.",
    "Beste, mijn creditcard is {card}, graag de factuur daarmee betalen.",
    "Salve, la mia carta è {card}, scadenza 07/30.",
    "Olá, o número do meu cartão é {card}.",
    "Dzień dobry, numer karty: {card}",
    "Payment failed again?? I typed {card} three times!!!",
    "> Please update your payment details\n{card}\n\n-- \nSent from my phone",
    "Subject: billing\n\nUse this one instead: {card} (the old one expired)",
    '{{"payment": {{"card": "{card}", "holder": "A. Example"}}}}',
    "Can you refund the charge on {card}? Order #48213.",
]
CVC_TEMPLATES = [
    ("Card {card} exp 12/29 cvc {cvc}", True),
    ("{card} {exp} {cvc}", True),
    ("Kreditkarte: {card}, gültig bis {exp}, Prüfnummer {cvc}", True),
    ("Carte {card} expire le {exp}, cryptogramme {cvc}", True),
    ("Tarjeta {card}, vence {exp}, CVV: {cvc}", True),
    ("card number {card}\nCVV2: {cvc}", True),
    ("{card}, {exp}, {cvc}", True),
    ("{card} / {exp} / {cvc}", True),
    ("The security code is {cvc} and the card is {card}", False),
]


def _card_cases() -> list[Case]:
    separators = ["", " ", "-", "."]
    cases = []
    for index, (brand, pan) in enumerate(PANS):
        for turn, separator in enumerate(separators):
            template = CARD_TEMPLATES[(index * 3 + turn) % len(CARD_TEMPLATES)]
            card = grouped(pan, separator)
            cases.append(Case(template.format(card=card), ((K.CARD, card),), f"card {brand}"))
    return cases


def _cvc_cases() -> list[Case]:
    rng = random.Random(1103)
    cases = []
    for index, (brand, pan) in enumerate(PANS):
        template, card_first = CVC_TEMPLATES[index % len(CVC_TEMPLATES)]
        cvc = f"{rng.randrange(1000, 10000)}" if len(pan) == 15 else f"{rng.randrange(100, 1000)}"
        card = grouped(pan, " " if index % 2 else "")
        exp = f"{rng.randrange(1, 13):02d}/{rng.randrange(26, 33)}"
        text = template.format(card=card, cvc=cvc, exp=exp)
        pair = ((K.CARD, card), (K.CVC, cvc)) if card_first else ((K.CVC, cvc), (K.CARD, card))
        cases.append(Case(text, pair, f"card and code {brand}"))
    cases += [
        Case("CVC: 123", ((K.CVC, "123"),), "code alone"),
        Case("cvv 4321 (amex)", ((K.CVC, "4321"),), "code alone"),
        Case("Sicherheitscode: 987", ((K.CVC, "987"),), "code alone"),
        Case("My card's security code is 555, is that needed?", ((K.CVC, "555"),), "code alone"),
    ]
    return cases


# IBANs ------------------------------------------------------------------------------------------

IBANS = _words(
    """DE89370400440532013000 GB29NWBK60161331926819 FR1420041010050500013M02606
    NL91ABNA0417164300 ES9121000418450200051332 IT60X0542811101000000123456 AT611904300234573201
    CH9300762011623852957 PL61109010140000071219812874 SE4550000000058398257466 NO9386011117947
    DK5000400440116243 FI2112345600000785 IE29AIBK93115212345678 PT50000201231234567890154
    LU280019400644750000 GR1601101250000000012300695 CZ6508000000192000145399
    HU42117730161111101800000000 SK3112000000198742637541 SI56263300012039086
    HR1210010051863000160 RO49AAAA1B31007593840000 BG80BNBG96611020345678 EE382200221020145685
    LV80BANK0000435195001 LT121000011101001000 MT84MALT011000012345MTLCAST001S
    CY17002001280000001200527600 IS140159260076545510730339 LI21088100002324013AA
    MC5811222000010123456789030 SM86U0322509800000000270100 AD1200012030200359100100
    TR330006100519786457841326 SA0380000000608010167519 AE070331234567890123456
    IL620108000000099999999 QA58DOHB00001234567890ABCDEFG KW81CBKU0000000000001234560101
    BH67BMAG00001299123456 JO94CBJO0010000000000131000302 LB62099900000001001901229114
    EG380019000500000000263180002 BR1800360305000010009795493C1 BR9700360305000010009795493P1
    GE29NB0000000101904917 AZ21NABZ00000000137010001944 KZ86125KZT5004100100
    UA213223130000026007233566001 MD24AG000225100013104168 RS35260005601001611379
    ME25505000012345678951 MK07250120000058984 AL47212110090000000235698741 BA391290079401028494
    XK051212012345678906 TN5910006035183598478831 MR1300020001010000123456753
    PK36SCBL0000001123456702 VG96VPVG0000012345678901 DO28BAGR00000001212453611324
    GT82TRAJ01020000001210029690 CR05015202001026284066 SC18SSCB11010000000000001497USD
    LC55HEMM000100010012001200023015 TL380080012345678910157 ST68000100010051845310112
    IQ98NBIQ850123456789012 BY13NBRB3600900000002Z00AB00 SV62CENR00000000000000700025
    LY83002048000020100120361 SD2129010501234001 RU0304452522540817810538091310419
    FO6264600001631634 GL8964710001000206 GI75NWBK000000007099453 PS92PALS000000000400123456702
    VA59001123000012345678 BI4210000100010000332045181 DJ2100010000000154000100186
    SO211000001001000100141 MN121234123456789123 NI45BAPR00000013000003558124
    FR7630006000011234567890189 DE02120300000000202051 DE02500105170137075030
    GB33BUKB20201555555555 NL02ABNA0123456789 BE71096123456769 ES7921000813610123456789
    AT483200000012345864 CH5604835012345678009 PL10105000997603123456789123
    SE7280000810340009783242"""
)

IBAN_TEMPLATES = [
    "Please refund to my account, IBAN {iban}, thank you.",
    "Meine IBAN lautet {iban}. Bitte überweisen Sie die Gutschrift dorthin.",
    "Mon IBAN : {iban}\nTitulaire : M. Exemple",
    "Mi IBAN es {iban}, gracias.",
    "Mijn rekeningnummer (IBAN) is {iban}.",
    "Il mio IBAN è {iban}",
    "IBAN: {iban}\nBIC: COBADEFFXXX",
    "pls send the money back to {iban} asap",
    "Direct debit mandate for account {iban} (signed copy attached).",
    "Konto: {iban} / Kontoinhaber: Firma Beispiel GmbH",
]


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def _iban_cases() -> list[Case]:
    cases = []
    for index, number in enumerate(IBANS):
        for turn, shown in enumerate((number, _spaced(number))):
            template = IBAN_TEMPLATES[(index + turn * 5) % len(IBAN_TEMPLATES)]
            cases.append(Case(template.format(iban=shown), ((K.IBAN, shown),), "iban"))
    return cases


# Passwords --------------------------------------------------------------------------------------

PASSWORDS = _words(
    """hunter2 Tr0ub4dor&3 S3cure!Pass correct-horse-battery-staple9 Sommer2024! azerty123
    Qwerty#2026 p@ssw0rd letmein99 Xk9$mQ2!vL geheim123 MotDePasse!1 Contraseña2026 wachtwoord-88
    N0tMyRealPwd zaq1@WSX dragon2025 Hello.World.7 !Summer_2026 blue-Sky-42 Winter#2025
    7hG!k2Lp Rz8#uQ1w"""
)
PLAIN_PASSWORDS = ["sunshine", "trustno1", "Marmelade", "princesse"]

PASSWORD_TEMPLATES = [
    "Username: bob\nPassword: {pw}",
    "my password is {pw} but it doesn't let me in",
    "The FTP password is {pw} if you need it to check.",
    "login: admin / password: {pw}",
    "DB_PASSWORD={pw}",
    '{{"user": "bob", "password": "{pw}"}}',
    "pwd: {pw}",
    "https://example.com/login?user=bob&pass={pw}",
    "Password for the control panel: {pw}",
    "Mein Passwort ist {pw} - bitte prüfen Sie das.",
    "Passwort: {pw}",
    "Bonjour, mon mot de passe est {pw} et il ne marche plus.",
    "Mot de passe : {pw}",
    "Hola, mi contraseña es {pw} pero no funciona.",
    "Contraseña: {pw}",
    "Wachtwoord: {pw}",
    "la password è {pw}",
    "Senha: {pw}",
    "hasło: {pw}",
    "lösenord: {pw}",
    "new password = '{pw}'",
    "MYSQL_ROOT_PASSWORD: {pw}",
    "I changed the password to {pw} yesterday",
]
# Templates where a value without a digit or symbol is still a password (after a colon).
PLAIN_TEMPLATES = [
    "Username: bob\nPassword: {pw}",
    "Passwort: {pw}",
    "mot de passe : {pw}",
    "pass={pw}",
]


def _password_cases() -> list[Case]:
    cases = []
    for index, template in enumerate(PASSWORD_TEMPLATES):
        for turn in range(2):
            pw = PASSWORDS[(index * 2 + turn) % len(PASSWORDS)]
            if "'" in template and "'" in pw:
                continue
            cases.append(Case(template.format(pw=pw), ((K.PASSWORD, pw),), "password"))
    for index, pw in enumerate(PLAIN_PASSWORDS):
        template = PLAIN_TEMPLATES[index % len(PLAIN_TEMPLATES)]
        cases.append(Case(template.format(pw=pw), ((K.PASSWORD, pw),), "password"))
    url = "ftp://webuser:Fx8#pa55@ftp.example.net/public_html"
    basic = base64.b64encode(b"admin:Winter#2025").decode()
    cases += [
        Case(url, ((K.PASSWORD, "Fx8#pa55"),), "password in an address"),
        Case(f"Authorization: Basic {basic}", ((K.PASSWORD, basic),), "basic credentials"),
        Case('the password is "my secret 99" with spaces', ((K.PASSWORD, "my secret 99"),)),
    ]
    return cases


# API keys and private keys ----------------------------------------------------------------------

_RNG = random.Random(2611)
_ALNUM = string.ascii_letters + string.digits


def _random(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _jwt() -> str:
    header = _b64url({"alg": "HS256", "typ": "JWT"})
    payload = _b64url({"sub": _random(10, string.digits), "name": "Example", "iat": 1767225600})
    return f"{header}.{payload}.{_random(43, _ALNUM + '-_')}"


def api_keys() -> list[tuple[str, str]]:
    """(provider, key) pairs of the providers' documented shapes with random bodies."""
    upper = string.ascii_uppercase + string.digits
    return [
        ("AWS", "AKIA" + "IOSFODNN7EXAMPLE"),
        ("AWS", "AKIA" + _random(16, upper)),
        ("AWS", "ASIA" + _random(16, upper)),
        ("Stripe", "sk_" + "test_" + _random(24)),
        ("Stripe", "sk_" + "live_" + _random(99)),
        ("Stripe", "rk_" + "live_" + _random(24)),
        ("Stripe", "whsec_" + _random(32)),
        ("GitHub", "ghp_" + _random(36)),
        ("GitHub", "gho_" + _random(36)),
        ("GitHub", "github_pat_" + _random(22) + "_" + _random(59)),
        ("GitLab", "glpat-" + _random(20)),
        (
            "Slack",
            "xoxb-"
            + _random(12, string.digits)
            + "-"
            + _random(13, string.digits)
            + "-"
            + _random(24),
        ),
        ("Slack", "xoxp-" + _random(11, string.digits) + "-" + _random(24)),
        ("Google", "AIza" + _random(35, _ALNUM + "-_")),
        ("Google", "AIza" + _random(35, _ALNUM + "-_")),
        ("OpenAI", "sk-" + "proj-" + _random(48, _ALNUM + "-_")),
        ("SendGrid", "SG." + _random(22, _ALNUM + "-_") + "." + _random(43, _ALNUM + "-_")),
        ("npm", "npm_" + _random(36)),
        ("Mailgun", "key-" + _random(32, "0123456789abcdef")),
        ("Shopify", "shpat_" + _random(32, "0123456789abcdef")),
        ("JWT", _jwt()),
        ("JWT", _jwt()),
    ]


KEY_TEMPLATES = [
    "Here is our key: {key} - can you check why the webhook fails?",
    "export API_TOKEN={key}",
    "I set {key} in the config but nothing happens",
    "Our developer says the key {key} stopped working yesterday.",
    "config.yml:\n  credentials: {key}\n  region: eu-west-1",
    "Hallo, der Schlüssel {key} funktioniert nicht mehr.",
]


def _key_cases() -> list[Case]:
    cases = []
    for index, (provider, key) in enumerate(api_keys()):
        template = KEY_TEMPLATES[index % len(KEY_TEMPLATES)]
        cases.append(Case(template.format(key=key), ((K.API_KEY, key),), f"key {provider}"))
    bearer, named, hexkey = (
        _random(40, _ALNUM + "-._"),
        _random(32),
        _random(32, "0123456789abcdef"),
    )
    cases += [
        Case(
            f"curl -H 'Authorization: Bearer {bearer}' https://api.example.com/v1/sites",
            ((K.API_KEY, bearer),),
            "bearer",
        ),
        Case(f"api_key={named}&site=42", ((K.API_KEY, named),), "named key"),
        Case(f'{{"client_secret": "{hexkey}"}}', ((K.API_KEY, hexkey),), "named key"),
        Case(f"X-API-Key: {named}", ((K.API_KEY, named),), "named key"),
    ]
    return cases


def pem(label: str, lines: int = 6, *, ending: bool = True, headers: str = "") -> str:
    body = "\n".join(_random(64, _ALNUM + "+/") for _ in range(lines)) + "\n" + _random(20) + "=="
    end = f"\n-----END {label}-----" if ending else ""
    return f"-----BEGIN {label}-----\n{headers}{body}{end}"


def _private_key_cases() -> list[Case]:
    labels = [
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "DSA PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK",
    ]
    templates = [
        "Here is the key for the server:\n{key}\nThanks!",
        "{key}",
        "Hallo,\n\nanbei der private Schlüssel:\n\n{key}\n\nGruß",
        "Can you install this SSL key?\n```\n{key}\n```",
    ]
    cases = []
    for index, label in enumerate(labels):
        key = pem(label)
        template = templates[index % len(templates)]
        cases.append(Case(template.format(key=key), ((K.PRIVATE_KEY, key),), "private key"))
    encrypted = pem(
        "RSA PRIVATE KEY",
        headers="Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
        + _random(32, "0123456789ABCDEF")
        + "\n\n",
    )
    cut = pem("RSA PRIVATE KEY", lines=3, ending=False)
    cases += [
        Case(f"old key:\n{encrypted}\n", ((K.PRIVATE_KEY, encrypted),), "private key"),
        Case(
            f"the key (it got cut off):\n{cut}\n\nregards, Sam",
            ((K.PRIVATE_KEY, cut),),
            "private key cut short",
        ),
    ]
    return cases


# Several secrets in one message -----------------------------------------------------------------


def _mixed_cases() -> list[Case]:
    key = "sk_" + "live_" + _random(24)
    return [
        Case(
            "Hi, card 4242 4242 4242 4242 didn't work, try 5555-5555-5555-4444 instead.",
            ((K.CARD, "4242 4242 4242 4242"), (K.CARD, "5555-5555-5555-4444")),
            "mixed",
        ),
        Case(
            "Login bob, password: Sommer2024! and my IBAN is DE89 3704 0044 0532 0130 00.",
            ((K.PASSWORD, "Sommer2024!"), (K.IBAN, "DE89 3704 0044 0532 0130 00")),
            "mixed",
        ),
        Case(
            f"Stripe key {key}, card for tests 4000 0566 5566 5556 cvc 314",
            ((K.API_KEY, key), (K.CARD, "4000 0566 5566 5556"), (K.CVC, "314")),
            "mixed",
        ),
        Case(
            "Invoice INV-2026-000123 (order 100234567): please charge 378282246310005, "
            "call me on +44 20 7946 0000.",
            ((K.CARD, "378282246310005"),),
            "mixed",
        ),
        Case(
            "Kontonummer DE02 1203 0000 0000 2020 51, Passwort: geheim123, Tel. 030 1234567",
            ((K.IBAN, "DE02 1203 0000 0000 2020 51"), (K.PASSWORD, "geheim123")),
            "mixed",
        ),
    ]


# Written after the rules, as a check on them. They missed two of these at first (an expiry date
# written with bars before the security code, a password after a spaced dash), since handled ----


def _later_cases() -> list[Case]:
    github = "ghp_" + _random(36)
    stripe = "sk_" + "test_" + _random(24)
    aws_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
    key = pem("OPENSSH PRIVATE KEY", lines=3)
    secrets = [
        (
            "Kartennummer: 4111-1111-1111-1111, Ablaufdatum 12/26, CVC 737",
            ((K.CARD, "4111-1111-1111-1111"), (K.CVC, "737")),
        ),
        ("CC# 5555 5555 5555 4444 exp 01/27", ((K.CARD, "5555 5555 5555 4444"),)),
        ("visa 4000 0000 0000 0002 keeps getting declined", ((K.CARD, "4000 0000 0000 0002"),)),
        ("Number: 3714 496353 98431", ((K.CARD, "3714 496353 98431"),)),
        ("4242424242424242|12|2027|123", ((K.CARD, "4242424242424242"), (K.CVC, "123"))),
        (
            "IBAN DE44 5001 0517 5407 3249 31 (Kontoinhaber: Beispiel GmbH)",
            ((K.IBAN, "DE44 5001 0517 5407 3249 31"),),
        ),
        ("Rekening: BE71 0961 2345 6769", ((K.IBAN, "BE71 0961 2345 6769"),)),
        ("Password - Summer2025", ((K.PASSWORD, "Summer2025"),)),
        ("user: admin pass: letmein123", ((K.PASSWORD, "letmein123"),)),
        ("PW: Tr0ub4dor", ((K.PASSWORD, "Tr0ub4dor"),)),
        ("The new password for the FTP account is: Xy7!pq9z", ((K.PASSWORD, "Xy7!pq9z"),)),
        ("Das Passwort lautet: Hallo1234", ((K.PASSWORD, "Hallo1234"),)),
        ("contraseña = 'Abc12345'", ((K.PASSWORD, "Abc12345"),)),
        ("smtp password=MailPass2026", ((K.PASSWORD, "MailPass2026"),)),
        ("mysql://root:S3cretPw@db.example.com:3306/shop", ((K.PASSWORD, "S3cretPw"),)),
        (f"aws_secret_access_key = {aws_secret}", ((K.API_KEY, aws_secret),)),
        (f"STRIPE_SECRET_KEY={stripe}", ((K.API_KEY, stripe),)),
        (f"Here's my GitHub token {github}, it has repo scope", ((K.API_KEY, github),)),
        (f"ssh key:\n{key}\n", ((K.PRIVATE_KEY, key),)),
    ]
    near_misses = """\
Call us at 1-800-555-0199 any time.
Ticket 2026051712345678 is still open.
PayPal transaction 9X123456AB1234567 shows as pending.
Stripe charge ch_3NqFz2LkdIwHu7ix0snN0B15 failed, payment intent pi_3MtwBwLkdIwHu7ix28a3tqPa.
Customer cus_NffrFeUfNV2Hib, publishable key pk_live_51HqLyjWDarjtT1zdp7dc.
The token expired at 12:00 yesterday.
Secret: we love your service.
Key: value pairs are not supported in the DNS editor.
API key: see the dashboard.
password123 is a bad password, I know.
IBAN: please use the one on file.
Account 12345678, sort code 12-34-56.
Phone: +49 (0)30 1234567-89
Invoice total 4,242.42 EUR
ISIN US0378331005 for the shares.
IMEI 490154203237518 of the phone.
IMEI 356938035643809 is the second one.
SIM ICCID 8944110068259437312
Order 2024-4242-4242-4242 from the shop.
Date range 20260101-20261231 for the report.
The CVV2 check failed on the last attempt.
Security code sent to your phone: 482913
My pass expired yesterday.
Use the coupon code SAVE20 at checkout.
git clone https://github.com/example/repo.git fails.
https://user@example.com/path needs a login.
Compare ftp://example.com:21/files with the old server.
I am the bearer of bad news: the site is down.
Basic plan renewal is due.
"""
    cases = [Case(text, expected, "later") for text, expected in secrets]
    return cases + [Case(line, (), "later near miss") for line in near_misses.splitlines()]


# Near-misses: nothing in them is a secret -------------------------------------------------------


def _near_miss_cases() -> list[Case]:
    cases = [Case(line, (), "near miss") for line in NEAR_MISSES.splitlines() if line]
    wrong_check = [pan[:-1] + str((int(pan[-1]) + 1) % 10) for _, pan in PANS]
    for index, number in enumerate(wrong_check[::2]):
        shown = grouped(number, " " if index % 2 else "")
        cases.append(Case(f"Reference {shown} from the old system.", (), "near miss luhn"))
    for index, number in enumerate(IBANS[::4]):
        wrong = number[:2] + f"{(int(number[2:4]) + 1) % 100:02d}" + number[4:]
        shown = _spaced(wrong) if index % 2 else wrong
        cases.append(Case(f"Bank details: {shown}", (), "near miss iban"))
    return cases


CASES: tuple[Case, ...] = (
    *_card_cases(),
    *_cvc_cases(),
    *_iban_cases(),
    *_password_cases(),
    *_key_cases(),
    *_private_key_cases(),
    *_mixed_cases(),
    *_near_miss_cases(),
    *_later_cases(),
)
