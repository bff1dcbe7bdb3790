"""The API reference at /api/v1/docs: the served OpenAPI schema as a page of the site.

It is rendered on the server from the same schema as /api/v1/openapi.json, in the site's own
templates: no script, no asset from elsewhere, the site's content security policy, and the
accessibility every page of the site has. Each operation shows what it needs (its
``x-clientvault-permission``), its parameters, the fields of its body and every answer it gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import markdown
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

Schema = dict[str, Any]
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "string, at most 254 characters", "one of: a, b", "Permission list"
    required: bool
    about: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    about: SafeString
    parameters: list[Field]
    body: list[Field]
    answers: list[tuple[str, str]]


@dataclass(frozen=True)
class Group:
    name: str
    operations: list[Operation]


def as_html(text: str) -> SafeString:
    """Markdown written in the project's own code (docstrings, descriptions) as HTML."""
    html: str = markdown.markdown(text)
    return mark_safe(html)  # noqa: S308  (our own text, never a visitor's)


def _ref_name(schema: Schema) -> str:
    return str(schema.get("$ref", "")).removeprefix(REF_PREFIX)


def _limits(schema: Schema) -> list[str]:
    notes = []
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "minimum" in schema and "maximum" in schema:
        notes.append(f"from {schema['minimum']} to {schema['maximum']}")
    if "format" in schema:
        notes.append(str(schema["format"]))
    return notes


def kind_of(schema: Schema, components: dict[str, Schema]) -> str:
    """A field's type in words, following references and nullable unions."""
    if "$ref" in schema:
        name = _ref_name(schema)
        target = components.get(name, {})
        return f"one of: {', '.join(map(str, target['enum']))}" if "enum" in target else name
    if "anyOf" in schema:
        kinds = [kind_of(s, components) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return " or ".join(kinds) + (" or null" if nullable else "")
    if schema.get("type") == "array":
        return f"list of {kind_of(schema.get('items', {}), components)}"
    if "enum" in schema:
        return f"one of: {', '.join(map(str, schema['enum']))}"
    return ", ".join([str(schema.get("type", "any")), *_limits(schema)])


def _parameter(parameter: Schema, components: dict[str, Schema]) -> Field:
    schema = parameter.get("schema", {})
    return Field(
        name=f"{parameter['name']} ({parameter['in']})",
        kind=kind_of(schema, components),
        required=bool(parameter.get("required")),
        about=str(parameter.get("description") or schema.get("description") or ""),
    )


def _body(operation: Schema, components: dict[str, Schema]) -> list[Field]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    model = components.get(_ref_name(schema), schema)
    required = set(model.get("required", []))
    return [
        Field(name, kind_of(prop, components), name in required, str(prop.get("description", "")))
        for name, prop in model.get("properties", {}).items()
    ]


def _answers(operation: Schema) -> list[tuple[str, str]]:
    responses = operation.get("responses", {})
    return sorted(
        (str(status), str(answer.get("description", ""))) for status, answer in responses.items()
    )


def _operation(
    method: str, path: str, operation: Schema, components: dict[str, Schema]
) -> Operation:
    return Operation(
        anchor=str(operation.get("operationId") or f"{method}-{path}"),
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        about=as_html(str(operation.get("description", ""))),
        parameters=[_parameter(p, components) for p in operation.get("parameters", [])],
        body=_body(operation, components),
        answers=_answers(operation),
    )


def reference(schema: Schema) -> list[Group]:
    """The schema's operations, grouped by their first tag, in the schema's order."""
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[Operation]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(_operation(method, path, operation, components))
    return [Group(name, operations) for name, operations in groups.items()]


class ApiReference(DocsBase):
    """ninja's docs page, as a server-rendered reference in the site's templates."""

    template = "web/api_docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        context = {
            "api": api,
            "about": as_html(api.description or ""),
            "schema_url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs),
            "groups": reference(dict(schema)),
        }
        return render(request, self.template, context)
