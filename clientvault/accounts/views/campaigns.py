"""Campaigns in the back office (CTL-4, USE-1): written, previewed and sent by staff whose role
the policy profile grants ``marketing``. Counts only: the pages never list recipients."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts.forms.campaigns import CampaignForm
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.views.staff import paginate, staff_page, staff_user
from clientvault.messaging.models import Campaign, CampaignStatus
from clientvault.messaging.services.campaigns import (
    campaign_counts,
    create_campaign,
    preview_campaign,
    send_campaign,
)
from clientvault.privacy.taxonomy import Purpose


@staff_page(purpose=Purpose.MARKETING)
@require_http_methods(["GET"])
def campaigns(request: HttpRequest) -> HttpResponse:
    page = paginate(request, Campaign.objects.order_by("-created_at"))
    return render(request, "accounts/staff/campaigns.html", {"page": page})


@staff_page(purpose=Purpose.MARKETING)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = create_campaign(**form.cleaned_data, actor=staff_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The campaign is saved as a draft: check it, then send it.")
            return redirect("accounts:staff_campaign", pk=campaign.pk)
    return render(request, "accounts/staff/campaign_new.html", {"form": form})


@staff_page(purpose=Purpose.MARKETING)
@require_http_methods(["GET", "POST"])
def campaign(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    row = get_object_or_404(Campaign, pk=pk)
    if request.method == "POST":
        try:
            send_campaign(campaign=row, actor=staff_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The campaign is being queued; the counts below follow it.")
        return redirect("accounts:staff_campaign", pk=row.pk)
    context = {
        "campaign": row,
        "preview": preview_campaign(campaign=row),
        "counts": campaign_counts(campaign=row),
        "draft": row.status == CampaignStatus.DRAFT,
    }
    return render(request, "accounts/staff/campaign.html", context)
