"""The back office's reseller switch (a button on the account status page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from clientvault.accounts.models import Customer
from clientvault.accounts.services.resellers import mark_reseller
from clientvault.accounts.services.staff import STATUS_PURPOSE
from clientvault.accounts.views.staff import staff_page, staff_user


@staff_page(purpose=STATUS_PURPOSE)
@require_POST
def reseller(request: HttpRequest, number: str) -> HttpResponse:
    account = get_object_or_404(Customer, number=number)
    wanted = request.POST.get("is_reseller") == "yes"
    mark_reseller(staff=staff_user(request), customer=account, is_reseller=wanted)
    said = "a reseller's account" if wanted else "no longer a reseller's account"
    messages.success(request, f"Account {account.number} is {said}.")
    return redirect("accounts:staff_status", number=account.number)
