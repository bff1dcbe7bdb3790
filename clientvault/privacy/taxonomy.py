"""The fixed taxonomy of data categories and purposes.

Category keys reuse fideslang's ``user.*`` keys where they fit; the few hosting-specific ones
(``user.account.*``, ``system.*``) follow the same shape.
"""

from __future__ import annotations

from django.db import models


class Purpose(models.TextChoices):
    SERVICE = "service", "Providing the hosting service"
    BILLING = "billing", "Billing for the services"
    PAYMENT_PROCESSING = "payment_processing", "Processing payments"
    NOTICES = "notices", "Sending service notices"
    MARKETING = "marketing", "Product information and offers"
    RESELLER_NEWSLETTER = "reseller_newsletter", "Newsletters to resellers"
    PARTNER_SHARING = "partner_sharing", "Partner programmes"
    SECURITY = "security", "Security and fraud prevention"
    SUPPORT = "support", "Customer support"
    LEGAL_OBLIGATION = "legal_obligation", "Complying with the law"
    ANALYTICS = "analytics", "Analysing traffic to improve the site"
    DOMAIN_REGISTRATION = "domain_registration", "Registering domain names"
    # Cookies that remember a visitor's display choices (clientvault.privacy.cookies): a consent
    # only, never a purpose a field or a role is given.
    PREFERENCE_COOKIES = "preference_cookies", "Remembering your preferences in cookies"


# The subject's own right of access (GDPR Art. 15): reveal() allows it on any personal field, but
# only to the subject themselves. It is no purpose of processing (no field declares it, no role
# is granted it, no one consents to it), so it stays out of Purpose, whose values are also the
# choices of stored consent records; the audit log accepts it beside them.
SUBJECT_ACCESS = "subject_access"
AUDIT_PURPOSES = frozenset({*Purpose.values, SUBJECT_ACCESS})


class DataSubject(models.TextChoices):
    """Categories of data subjects (GDPR Art. 30(1)(c)), as the kernel tells them apart."""

    CUSTOMER = (
        "customer",
        "Customers: the holders of accounts, individuals or organisations' people",
    )
    AUTHORISED_USER = "authorised_user", "Authorised users a customer adds to their account"
    STAFF = "staff", "The operator's staff, who sign in to the back office"
    VISITOR = "visitor", "Visitors not known as a data subject, such as failed sign-ins"


# key -> (label, restricted). Restricted categories are read only through reveal().
CATEGORIES: dict[str, tuple[str, bool]] = {
    "user.name": ("Name", False),
    "user.contact": ("Contact and profile details", False),
    "user.contact.email": ("E-mail address", False),
    "user.contact.phone_number": ("Telephone number", False),
    "user.contact.address": ("Postal address", False),
    "user.workplace": ("Employer, job title and department", False),
    "user.account.username": ("Username", False),
    "user.authorization.credentials": ("Password and security answers (hashed)", False),
    "user.financial.credit_card": ("Payment card", True),
    "user.financial.bank_account": ("Bank account", True),
    "user.financial": ("Billing records", False),
    "user.device.ip_address": ("IP address", False),
    "user.device.browser": ("Browser and device", False),
    "user.behavior.browsing_history": ("Pages visited", False),
    "user.behavior": ("Account and service activity", False),
    "user.content.communications": ("Contents of e-mail and messages", True),
    "user.content": ("Content you give us", False),
    "user.demographic.religious_belief": ("Religion", True),
    "user.demographic.racial_ethnic_origin": ("Race or ethnicity", True),
    "user.demographic.sexual_orientation": ("Sexual orientation", True),
    "user.demographic.political_opinion": ("Political affiliation", True),
    "user.legal": ("Legal process and disclosures", False),
    "user.consent": ("Consents and refusals", False),
    "user.unique_id": ("Account identifiers", False),
    "system.operations": ("Service records about your account", False),
}

SENSITIVE_PREFIX = "user.demographic."


def is_restricted(category: str) -> bool:
    return CATEGORIES[category][1]


def category_label(category: str) -> str:
    return CATEGORIES[category][0]
