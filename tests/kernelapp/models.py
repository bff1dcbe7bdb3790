import uuid

from django.db import models

from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.models import Subject


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    name = VaultField()
    email = VaultField()
    email_index = BlindIndexField(source="email", normaliser="email")
    card_number = VaultField(restricted=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Visit(models.Model):
    """Rows that expire: the retention sweep deletes them after the profile's period."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    ip_address = models.GenericIPAddressField()
    at = models.DateTimeField()


class Note(models.Model):
    """Erased field by field: a title cleared, a handle pseudonymised, a body shredded, an
    invoice number retained, a remark deleted (cleared, as the row stays)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    handle = models.CharField(max_length=64, unique=True)
    body = VaultField()
    invoice_number = models.CharField(max_length=32, blank=True)
    remark = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Trace(models.Model):
    """Deleted whole on erasure: every personal field is declared ``delete``."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=200)
    agent = models.CharField(max_length=200, blank=True)


class Receipt(models.Model):
    """Protects a trace from deletion."""

    trace = models.ForeignKey(Trace, on_delete=models.PROTECT, related_name="receipts")


class Household(models.Model):
    """Rows shared by every member, as an account's rows are by its people."""

    label = models.CharField(max_length=200, blank=True)


class Member(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    nickname = models.CharField(max_length=100, blank=True)
