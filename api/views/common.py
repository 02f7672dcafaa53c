"""What the API's endpoints share: their documented errors, paging, ETags and the
reading of a JSON body as the pages' forms read a POST (each field a text), with the
forms' and services' problems answered as JSON naming the field."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, status
from rest_framework.exceptions import ParseError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from action_plans.permissions import PlanAccess, PlanAction, plan_for_user_or_404
from api.selectors import of_plan
from api.serializers import ErrorSerializer
from msd_planner.lib.versioned_edit import Versioned

FIELD_ERRORS: dict[str, Any] = {
    "type": "object",
    "description": "Each field wrongly given (or unknown) with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def error_response(description: str) -> OpenApiResponse:
    """An error the schema documents: ``{"detail": "..."}``."""
    return OpenApiResponse(ErrorSerializer, description=description)


READ_ERRORS = {
    401: error_response("No credentials, or a token revoked or of a deactivated account."),
    404: error_response("No such plan or record, or one the user may not see."),
    429: error_response("Too many requests: wait as long as the Retry-After header says."),
}

# A list filtered: a filter wrongly given is answered as a field.
LIST_ERRORS = {
    400: OpenApiResponse(FIELD_ERRORS, description="A filter wrongly given."),
    **READ_ERRORS,
}


class ById(CursorPagination):
    """Lists are paged with an opaque cursor (``next``, ``previous``), in a stable order."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):  # OpenAPI 3.1: null is a type, not "nullable"
            paged["properties"][link] = {"type": ["string", "null"], "format": "uri"}
        return paged


class PlanRecordList(generics.ListAPIView):
    """A list of one plan's records, to whoever sees the plan (as its page), filtered and
    paged by a cursor. ``records`` names every plan's records with what they show;
    ``plan_field`` is how a record names its plan."""

    pagination_class = ById
    plan_field = "plan"
    access: PlanAccess

    @staticmethod
    def records() -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema reads only the model
            return self.records()
        self.access = plan_for_user_or_404(self.request.user, self.kwargs["pk"], PlanAction.VIEW)
        return of_plan(self.records(), self.access.plan, self.plan_field)


def etag(record: Versioned) -> str:
    """A versioned record's ETag: its version."""
    return f'"{record.version}"'


def json_input(
    request: Request, fields: frozenset[str], lists: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The JSON object sent, as the page's form reads a POST: each field a text, and each
    of ``lists`` (a form's multiple choice) a list of texts. Fields not in ``fields``, and
    values that are not a text, a number or null, are refused (400)."""
    data = request.data
    if not isinstance(data, dict):
        raise ParseError(_("Send a JSON object."))
    problems: dict[str, list[str]] = {
        name: [
            _("Unknown field: the fields are %(fields)s.") % {"fields": ", ".join(sorted(fields))}
        ]
        for name in data
        if name not in fields
    }
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in problems:
            continue
        if name in lists and isinstance(value, list) and all(map(is_scalar, value)):
            values[name] = [str(item) for item in value]
        elif value is None:
            values[name] = [] if name in lists else ""
        elif is_scalar(value):
            values[name] = str(value)
        else:
            problems[name] = [_("Give a text, a number or a date, not a list, object or boolean.")]
    if problems:
        raise Invalid(problems)
    return values


def is_scalar(value: Any) -> bool:
    """A text or a number (not a boolean): what a form's field reads as a text."""
    return isinstance(value, str) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    )


class Invalid(Exception):
    """A JSON body wrongly given: each field with its problems (answered 400)."""

    def __init__(self, problems: dict[str, Any]):
        super().__init__(problems)
        self.problems = problems


def invalid(problems: dict[str, Any]) -> Response:
    """400 naming each field wrongly given."""
    return Response(problems, status=status.HTTP_400_BAD_REQUEST)


def form_problems(form: forms.BaseForm) -> dict[str, Any]:
    """The form's errors on their fields; those of no field in ``detail``, one text."""
    problems: dict[str, Any] = {
        name: [str(message) for message in messages]
        for name, messages in form.errors.items()
        if name != "__all__"
    }
    if "__all__" in form.errors:
        problems["detail"] = " ".join(str(message) for message in form.errors["__all__"])
    return problems


def service_problems(error: ValidationError) -> dict[str, Any]:
    """A service's refusal on its fields; one of no field in ``detail``."""
    if hasattr(error, "error_dict"):
        return {
            ("detail" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in error.message_dict.items()
        }
    return {"detail": " ".join(str(message) for message in error.messages)}


def expected_version(request: Request) -> int | None:
    """The version ``If-Match`` names (``"3"``, ``W/"3"``); -1 when it names none."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else -1


def stale(current: Any) -> Response:
    """412: the record changed since the ETag sent was read; its ETag now."""
    return Response(
        {"detail": _("The value changed since you read it: read it again, then send its ETag.")},
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": f'"{current.version}"'},
    )
