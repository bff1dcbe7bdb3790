"""Near-misses for the redactor's labelled set (tests/privacy/redaction_set.py): ticket lines
with numbers, codes and words that look like secrets and are none."""

NEAR_MISSES = """\
Order INV-2026-000123 was paid twice, please refund one.
Invoice 2026/0042 and credit note CN-2026-0007 are attached.
My account is CV-6811101, ticket #48213.
Our PO number is 4500012345, reference 7700123456789.
Please call me on +44 20 7946 0000 or +1 (555) 010-0199.
Tel: +33 1 23 45 67 89 / Mobil: +49 151 23456789
Call 0800 123 4567 or 0049 30 1234 5678 during office hours.
Phone +31 20 123 4567, fax +31 20 123 4568
Tracking number 1Z999AA10123456784 (UPS).
USPS tracking: 9400 1000 0000 0000 0000 00
FedEx 7489 5698 3210 and 449044304137821
DHL JD014600006101683410 / Royal Mail AB123456789GB
The server at 192.168.100.200 and 10.0.0.1 does not answer; also 203.0.113.254:8443.
IPv6 2001:db8:85a3::8a2e:370:7334 is unreachable.
It broke on 2026-05-17 and again on 17.05.2026 and 05/17/2026.
Outage window 2026-05-17 2026-06-17, log time 2026-05-17T14:30:00Z.
Timestamp 20260517143000 in the log, unix 1747492200.
Card number 4242424242424241 is what the form shows (it is wrong).
The number 1234 5678 9012 3456 is on the test sheet.
Customer number 5105 1051 0510 5101 from the old system.
Reference 6011-1111-1111-1118 (not a card, a case id).
0000 0000 0000 0000 is a placeholder in the form.
Request id 550e8400-e29b-41d4-a716-446655440000 failed.
Correlation id 123e4567-e89b-12d3-a456-426614174000
Please point shop-2026.example.co.uk and example.com to the new server.
Upgraded PHP 8.3.12 to WordPress 6.5.2, plugin v2.14.1-rc.3, Windows 10.0.19045.4291.
My card ending 4242 was declined.
Card: **** **** **** 4242
The form shows XXXX-XXXX-XXXX-1111 as my card.
The last four digits are 4242 and it expires 12/27.
commit 9fceb02d0ae598e95dc970b74767f19372d61af8 broke the deploy
md5 d41d8cd98f00b204e9800998ecf8427e
sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
Sort code 20-00-00, account number 55779911.
BIC COBADEFFXXX, bank Commerzbank.
My IBAN DE89 3704 0044 0532 0130 01 was rejected (I think I mistyped it).
Is DE00 0000 0000 0000 0000 00 a valid IBAN?
VAT number DE123456789, GB123456789 and FR40303265045.
EORI DE1234567890123 for the customs form.
ISBN 978-3-16-148410-0 for the book we sell.
MAC address 00:1A:2B:3C:4D:5E of the router.
Serial 5CG1234XYZ on the back of the laptop.
Color #424242 on port 4242 of srv-4242.example.net
Order number 30000000000000000000 is too long for the form.
I forgot my password.
The password reset link expired.
Password: reset not working
How do I change my password?
my password is not working
My password is too short according to the form.
The password field is empty after I submit.
Password must be at least 12 characters.
Passwort vergessen
J'ai oublié mon mot de passe.
Olvidé mi contraseña, ¿pueden ayudarme?
Ik ben mijn wachtwoord vergeten.
Password: ********
password: <hidden>
Your password: see the e-mail we sent you.
Password: 12 characters minimum
new password: same as before
The password is correct but the login still fails.
Reset your password: https://example.com/account/password/reset
password = ?
Passport number required for the domain registration.
We bypass the cache for logged-in users.
The passing score is 80%.
The API key is in the dashboard, where exactly?
api_key=YOUR_API_KEY
token: expired yesterday
Bearer token missing in the Authorization header.
sk_test_ keys are for testing, aren't they?
Our ghp_ token was revoked.
Timezone Asia/Tokyo is wrong in the panel.
secret: santa
The JWT starts with eyJhbGciOi but is cut off.
-----BEGIN PUBLIC KEY-----
-----BEGIN CERTIFICATE----- is all I see in the file.
ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob@laptop is my public key.
The CVC field shows an error.
Where is the CVV on an Amex card?
My two-factor security code 482913 does not work.
Room 123, floor 4, building 5.
We paid 1,234.56 EUR on 2026-01-05 for 12 months.
Please renew example.org for 2 years (order 2026-0517-0001).
"""
