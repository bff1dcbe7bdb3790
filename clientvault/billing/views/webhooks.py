"""The gateways' webhook endpoint: no session, no CSRF token — the signature is the check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clientvault.billing.gateways.base import WebhookRejected
from clientvault.billing.gateways.registry import ADAPTERS
from clientvault.billing.services.webhooks import receive_webhook


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, gateway: str) -> HttpResponse:
    if gateway not in ADAPTERS:
        return JsonResponse({"detail": "unknown gateway"}, status=404)
    if request.content_type != "application/json":
        return JsonResponse({"detail": "a webhook's body must be JSON"}, status=400)
    try:
        outcome = receive_webhook(gateway=gateway, body=request.body, headers=request.headers)
    except WebhookRejected as error:
        return JsonResponse({"detail": str(error)}, status=400)
    return JsonResponse({"outcome": outcome})
