"""The customer's order form: a plan and its billing cycle, and the domain it serves."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.billing.models import Cycle
from clientvault.hosting.forms.area_fields import choice_field, text_field
from clientvault.hosting.models import DomainAction, HostingPlan
from clientvault.hosting.queries import ProductOffer
from clientvault.hosting.services.orders import AUTH_CODE_LIMIT, OrderLine

DOMAIN_ONLY = "domain"  # the plan choice for a domain name without hosting
REGISTER, TRANSFER, EXISTING, NONE = "register", "transfer", "existing", "none"
DOMAIN_CHOICES = [
    (REGISTER, "Register a new domain name"),
    (TRANSFER, "Transfer in a domain name I hold at another registrar"),
    (EXISTING, "Use a domain name I already have (it stays where it is registered)"),
    (NONE, "No domain name (an add-on such as backups)"),
]
YEARS = [(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, 11)]


class OrderForm(forms.Form):
    plan = choice_field("Plan", what="a plan", widget=forms.RadioSelect)
    cycle = choice_field(
        "Billing cycle",
        what="how often to pay",
        choices=Cycle.choices,
        initial=Cycle.MONTHLY,
        widget=forms.RadioSelect,
        help_text="How often the plan is invoiced. A domain name is paid by the year.",
    )
    domain_choice = choice_field(
        "The domain name it serves",
        what="what to do about a domain name",
        choices=DOMAIN_CHOICES,
        initial=REGISTER,
        widget=forms.RadioSelect,
    )
    domain = text_field(
        "The domain name",
        max_length=253,
        required=False,
        help_text="Such as example.com. Letters of any language are fine (IDNA 2008).",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    auth_code = text_field(
        "Auth code (EPP code)",
        max_length=AUTH_CODE_LIMIT,
        required=False,
        help_text="Only for a transfer: the code the current registrar gives you to move the "
        "domain away. We keep it encrypted until the transfer is done.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    years = forms.TypedChoiceField(
        label="Registration period",
        choices=YEARS,
        coerce=int,
        initial=1,
        help_text="For a new or transferred domain name.",
        error_messages={"invalid_choice": "Registration period: choose 1 to 10 years."},
    )
    id_protection = forms.BooleanField(
        label="Turn on ID protection, where the registry allows it",
        required=False,
        help_text="The registry then publishes your country and nothing else of yours.",
    )

    def __init__(
        self, *args: Any, offers: list[ProductOffer], own_domains: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offers = offers
        self.own_domains = own_domains
        self._domain_needed()
        if own_domains:  # offered as the domain field's suggestions
            self.fields["domain"].widget.attrs["list"] = "own-domains"
        self.plans = {str(p.plan.pk): p.plan for o in offers for p in o.plans}
        field: forms.ChoiceField = self.fields["plan"]  # type: ignore[assignment]
        field.choices = [
            *((key, plan.name) for key, plan in self.plans.items()),
            (DOMAIN_ONLY, "Only a domain name, no hosting"),
        ]
        guard_text_fields(self)

    def _domain_needed(self) -> None:
        """The domain name is needed unless "no domain name" is chosen; the auth code for a
        transfer (as the data sent says; an unbound form shows what registering needs)."""
        choice = (
            self.data.get(self.add_prefix("domain_choice"), REGISTER) if self.is_bound else REGISTER
        )
        self.fields["domain"].required = choice != NONE
        self.fields["auth_code"].required = choice == TRANSFER

    def plan_groups(self) -> list[tuple[ProductOffer | None, list[tuple[Any, str]]]]:
        """The plan's radio buttons by product: (offer, [(radio, price summary)]); the last
        group (offer None) holds "only a domain name"."""
        radios = {str(radio.data["value"]): radio for radio in self["plan"]}
        groups: list[tuple[ProductOffer | None, list[tuple[Any, str]]]] = [
            (offer, [(radios[str(p.plan.pk)], p.summary) for p in offer.plans])
            for offer in self.offers
        ]
        groups.append((None, [(radios[DOMAIN_ONLY], "")]))
        return groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("domain_choice")
        if data.get("plan") == DOMAIN_ONLY and choice not in (REGISTER, TRANSFER):
            self.add_error(
                "domain_choice",
                "Domain name: to order only a domain name, register or transfer one.",
            )
        return data

    def line(self) -> OrderLine:
        """The order line the form describes (call after is_valid)."""
        data = self.cleaned_data
        choice = data["domain_choice"]
        plan: HostingPlan | None = self.plans.get(data["plan"])
        action = {REGISTER: DomainAction.REGISTER, TRANSFER: DomainAction.TRANSFER}.get(choice, "")
        return OrderLine(
            plan=plan,
            cycle=data["cycle"],
            domain="" if choice == NONE else data["domain"].strip(),
            domain_action=action,
            auth_code=data["auth_code"] if choice == TRANSFER else "",
            years=data["years"] if action else 1,
            id_protection=bool(data["id_protection"]) and bool(action),
        )
