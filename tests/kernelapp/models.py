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
