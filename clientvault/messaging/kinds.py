"""The kinds of message the operator sends, each declared once by the app that sends it.

A :class:`Kind` names its category (and so the consent it needs at send time), its subject line
and text template, its HTML template (by default the text, escaped, in the shared layout), the
values its templates may use and which of them are secrets (a reset link, a code): secrets fill
the message that leaves but are withheld from the copy the outbox keeps. Queueing a message
with a value its kind does not declare is refused, naming the value, and so is declaring a
template that uses a value the kind does not list (:func:`template_variables`).

Two headers are declared with the kind too, never set by a caller: ``reply_to_variable`` names
one of its values whose address becomes the ``Reply-To`` (a reply address that routes answers
back to a conversation, such as a support ticket's), checked to be one plain address when the
message is queued; ``auto_submitted`` marks a message sent automatically (RFC 3834:
``auto-replied`` for an answer to a message that came in, ``auto-generated`` otherwise), with
``X-Auto-Response-Suppress: All`` so that autoresponders do not answer it and start a loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr

from django.template import Template, engines
from django.template.base import FilterExpression, Node, NodeList, Variable

from clientvault.messaging.models import CONSENT_FOR, Category, Channel

# Apps declaring their kinds name a category and a channel from here.
__all__ = ["Category", "Channel", "Kind", "declare", "get_kind"]

# Values every e-mail may use, filled in from the policy profile at send time.
COMMON = frozenset({"operator_name", "support_email", "support_phone", "privacy_contact"})
DEFAULT_HTML = "messaging/email/default.html"
WITHHELD = "(withheld from the stored copy)"
AUTO_SUBMITTED = ("auto-generated", "auto-replied")  # RFC 3834's values, besides "no"


class UnknownKind(LookupError):
    pass


class TemplateProblem(ValueError):
    """A template uses a value its kind does not declare, or a message names one it lacks."""


@dataclass(frozen=True)
class Kind:
    key: str  # "app.name", e.g. "accounts.password_reset"
    category: str
    headline: str  # the subject line, a template string ("" for a text message)
    text_template: str
    variables: frozenset[str] = frozenset()
    secrets: frozenset[str] = frozenset()
    channel: str = Channel.EMAIL
    html_template: str = DEFAULT_HTML
    description: str = ""
    reply_to_variable: str = ""  # the value whose address becomes the Reply-To header
    auto_submitted: str = ""  # RFC 3834's Auto-Submitted; "" for a message a person sent

    def headers(self, values: Mapping[str, str]) -> dict[str, str]:
        """The e-mail headers the kind declares, for a message with ``values``."""
        headers: dict[str, str] = {}
        if self.reply_to_variable and values.get(self.reply_to_variable):
            headers["Reply-To"] = values[self.reply_to_variable]
        if self.auto_submitted:
            headers["Auto-Submitted"] = self.auto_submitted
            headers["X-Auto-Response-Suppress"] = "All"
        return headers

    @property
    def purpose(self) -> str:
        """The consent the kind needs at send time; "" for service and security messages."""
        return CONSENT_FOR.get(self.category, "")

    @property
    def allowed(self) -> frozenset[str]:
        return self.variables | self.secrets | COMMON


_kinds: dict[str, Kind] = {}


def declare(
    key: str,
    *,
    category: str,
    text_template: str,
    headline: str = "",
    variables: Iterable[str] = (),
    secrets: Iterable[str] = (),
    channel: str = Channel.EMAIL,
    html_template: str = DEFAULT_HTML,
    description: str = "",
    reply_to_variable: str = "",
    auto_submitted: str = "",
) -> Kind:
    """Declare one kind of message; a key declared twice, a bad category or a header that
    cannot be made is refused."""
    if key in _kinds:
        raise ValueError(f"message kind {key!r} is declared twice")
    if category not in Category.values:
        raise ValueError(f"message kind {key!r}: unknown category {category!r}")
    _check_headers(key, reply_to_variable, set(variables), auto_submitted)
    kind = Kind(
        key=key,
        category=category,
        headline=headline,
        text_template=text_template,
        variables=frozenset(variables),
        secrets=frozenset(secrets),
        channel=channel,
        html_template=html_template,
        description=description,
        reply_to_variable=reply_to_variable,
        auto_submitted=auto_submitted,
    )
    _kinds[key] = kind
    return kind


def _check_headers(key: str, reply_to: str, variables: set[str], auto_submitted: str) -> None:
    if reply_to and reply_to not in variables:
        raise ValueError(f"message kind {key!r}: the Reply-To value {reply_to!r} is not a variable")
    if auto_submitted and auto_submitted not in AUTO_SUBMITTED:
        raise ValueError(
            f"message kind {key!r}: Auto-Submitted is one of {', '.join(AUTO_SUBMITTED)}"
        )


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownKind(f"no message kind {key!r} is declared") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def check_context(kind: Kind, context: dict[str, str]) -> None:
    """Refuse values the kind does not declare and declared ones that are missing."""
    unknown = sorted(set(context) - kind.allowed)
    if unknown:
        raise TemplateProblem(f"message kind {kind.key!r} has no value named {unknown[0]!r}")
    missing = sorted((kind.variables | kind.secrets) - set(context))
    if missing:
        raise TemplateProblem(f"message kind {kind.key!r} needs a value for {missing[0]!r}")
    reply_to = context.get(kind.reply_to_variable, "") if kind.reply_to_variable else ""
    if reply_to and not is_plain_address(reply_to):
        raise TemplateProblem(
            f"message kind {kind.key!r}: {kind.reply_to_variable!r} is not one e-mail address"
        )


def is_plain_address(value: str) -> bool:
    """One bare address (``local@domain``), nothing around it: fit for a header."""
    local, _, domain = value.rpartition("@")
    plain = parseaddr(value)[1] == value and not any(c.isspace() for c in value)
    return plain and bool(local) and "." in domain and "," not in value


def _name(var: object) -> set[str]:
    if isinstance(var, Variable) and var.literal is None:
        return {str(var.var).split(".")[0]}
    return set()


def _in(value: object, depth: int = 0) -> set[str]:
    """The values named by a tag's argument: a filter expression (its filters' arguments
    too), an ``if`` condition's operands, or a list or mapping of them."""
    if isinstance(value, FilterExpression):
        found = _name(value.var)
        for _, arguments in value.filters:
            found |= {n for lookup, argument in arguments if lookup for n in _name(argument)}
        return found
    if depth > 8:
        return set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return {n for item in value for n in _in(item, depth + 1)}
    parts = (getattr(value, name, None) for name in ("value", "first", "second"))
    return {n for part in parts if part is not None for n in _in(part, depth + 1)}


def _variables(nodes: Iterable[Node]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        for attribute in vars(node).values():
            if not isinstance(attribute, NodeList | Node):
                found |= _in(attribute)
        for attr in getattr(node, "child_nodelists", ()):
            found |= _variables(getattr(node, attr, None) or ())
        for _, nodelist in getattr(node, "conditions_nodelists", ()):
            found |= _variables(nodelist or ())
    return found


def template_variables(source: str) -> set[str]:
    """The names of the values a template string uses (``{{ name }}``, in tags' bodies too)."""
    template = engines["django"].from_string(source)
    inner: Template = template.template  # type: ignore[attr-defined]
    return _variables(inner.nodelist) - _bound(inner.nodelist)


def _bound(nodes: Iterable[Node]) -> set[str]:
    """Names a template binds itself (``{% for x in ... %}``, ``{% with x=... %}``)."""
    found: set[str] = set()
    for node in nodes:
        found |= set(getattr(node, "loopvars", ())) | set(getattr(node, "extra_context", {}))
        for attr in getattr(node, "child_nodelists", ()):
            found |= _bound(getattr(node, attr, None) or ())
    return found


def check_template(source: str, allowed: Iterable[str], *, label: str) -> None:
    """Refuse a template that uses a value not in ``allowed``, naming it and ``label``."""
    unknown = sorted(template_variables(source) - set(allowed) - {"forloop", "block"})
    if unknown:
        raise TemplateProblem(f"{label}: unknown value {{{{ {unknown[0]} }}}}")
