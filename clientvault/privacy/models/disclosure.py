"""The disclosure register: every release of personal data to anyone outside."""

from __future__ import annotations

from django.db import models

from clientvault.privacy.models.subject import Subject


class RecipientKind(models.TextChoices):
    REGISTRAR = "registrar", "Domain name registrar"
    PAYMENT_PROCESSOR = "payment_processor", "Payment processor"
    PARTNER = "partner", "Partner programme"
    AFFILIATE = "affiliate", "Affiliate acting on our behalf"
    AUTHORITY = "authority", "Legal authority"
    AGENT = "agent", "Authorised agent"
    THIRD_PARTY = "third_party", "Someone acting against a person causing harm"


class DisclosureGround(models.TextChoices):
    CONTRACT = "contract", "Needed to provide the service you asked for"
    CONSENT = "consent", "Your consent (you did not opt out)"
    LEGAL_PROCESS = "legal_process", "Subpoena, warrant or court order"
    LEGAL_OBLIGATION = "legal_obligation", "Required by law"
    HARM = "harm", "To identify or act against someone causing harm"
    LEGITIMATE_INTEREST = "legitimate_interest", "Protecting our and our customers' interests"
    INADVERTENT_CRIME = "inadvertent_crime", "Inadvertently obtained, appears to concern a crime"


class Disclosure(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="disclosures")
    recipient_kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    recipient = models.CharField(max_length=200)
    categories = models.JSONField()
    ground = models.CharField(max_length=24, choices=DisclosureGround.choices)
    reference = models.CharField(max_length=200, blank=True)
    actor_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    notice_deferred_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(ground="legal_process") | ~models.Q(reference=""),
                name="disclosure_legal_process_has_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_kind}: {self.recipient}"
