"""The API's endpoints (``/api/v1/``). Each authorises exactly as the page it mirrors:
the kernel's access helpers (``plan_for_user_or_404``, ``plan_object_for_user_or_404``)
and the apps' rules (``interventions.rules``); writes go through the same services and
the same forms' checks as the pages. The API has no rules of its own."""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from action_plans.permissions import PlanAction, plan_for_user_or_404, plan_object_for_user_or_404
from api import selectors
from api.filters import PlanFilter
from api.serializers import (
    InterventionSerializer,
    PlanSerializer,
    ProgressInputSerializer,
    ProgressPatchSerializer,
    ProgressSerializer,
)
from api.views.common import (
    FIELD_ERRORS,
    READ_ERRORS,
    ById,
    Invalid,
    PlanRecordList,
    error_response,
    etag,
    expected_version,
    form_problems,
    invalid,
    json_input,
    service_problems,
    stale,
)
from interventions import services
from interventions.models import Progress, ProgressStatus, ResultIndicator
from interventions.result_forms import ProgressForm
from interventions.rules import PROGRESS_RECORD, records_progress
from msd_planner.lib.errors import ActionRefused
from msd_planner.lib.versioned_edit import EditConflict

WRITE_ERRORS = {
    **READ_ERRORS,
    400: OpenApiResponse(FIELD_ERRORS, description="Invalid input; nothing was saved."),
    403: error_response("The user sees the plan but may not record progress on this indicator."),
    409: error_response(
        "A value for the period is already submitted or approved, or the value is "
        "not open to correction."
    ),
    413: error_response("The body is too large."),
    415: error_response("The body is not JSON."),
}
# A value changed with an ETag that is stale, or without one.
STALE_ERRORS = {
    412: error_response("The value changed since the ETag sent was read: read it again."),
    428: error_response("Send the value's ETag in If-Match."),
}
ETAG = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The value's ETag as last read (its version): a stale one is refused "
    "(412), a missing one too (428).",
)


# --- reads ---------------------------------------------------------------------------------


@extend_schema(
    summary="The plans the user sees",
    responses={200: PlanSerializer(many=True), 400: OpenApiResponse(FIELD_ERRORS), **READ_ERRORS},
)
class PlanList(generics.ListAPIView):
    serializer_class = PlanSerializer
    pagination_class = ById
    filterset_class = PlanFilter

    def get_queryset(self):
        return selectors.plans_for_api(self.request.user)


class PlanDetail(APIView):
    @extend_schema(summary="A plan", responses={200: PlanSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
        return Response(PlanSerializer(access.plan).data)


@extend_schema(
    summary="A plan's interventions, with their indicators and approved progress",
    responses={200: InterventionSerializer(many=True), **READ_ERRORS},
)
class InterventionList(PlanRecordList):
    """The plan's interventions with their lead, indicators and approved progress."""

    serializer_class = InterventionSerializer
    filter_backends: list = []
    records = staticmethod(selectors.interventions_with_results)


class InterventionDetail(APIView):
    @extend_schema(
        summary="An intervention, with its indicators and approved progress",
        responses={200: InterventionSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int, intervention_pk: int) -> Response:
        access = plan_object_for_user_or_404(
            request.user, pk, selectors.interventions_with_results(), intervention_pk
        )
        return Response(InterventionSerializer(access.object).data)


# --- progress ------------------------------------------------------------------------------

_INPUT_FIELDS = frozenset(ProgressInputSerializer().fields)
_DISAGGREGATIONS = ("sex", "age", "migratory_status")


def _submitted(form: ProgressForm, given: dict[str, str]) -> dict[str, Any]:
    """What the service receives: the form's values, and a disaggregation the indicator
    does not declare (the form leaves it out) as given, for the service to refuse."""
    values = form.submitted_values()
    for name in _DISAGGREGATIONS:
        if name in given and name not in form.fields:
            values[name] = given[name]
    return values


def progress_context(request: Request, pk: int) -> dict[str, Any]:
    """What ``ProgressSerializer`` needs to write its evidence's address."""
    return {"request": request, "plan_pk": pk}


def refuse_unless_recording(request: Request, access, indicator: ResultIndicator) -> None:
    """Refuse (403) a user who sees the plan but does not record progress on it."""
    if not records_progress(access, indicator):
        raise ActionRefused(PROGRESS_RECORD.name, f"resultindicator {indicator.pk}")


class ProgressSubmit(APIView):
    @extend_schema(
        summary="Submit a progress value of an indicator",
        description="The value is submitted for review, as on the indicator's page: it "
        "counts once those who lead monitoring approve it. One value per indicator, "
        "quarter and disaggregation (409 for a second).",
        request=ProgressInputSerializer,
        responses={201: ProgressSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int, indicator_pk: int) -> Response:
        access = plan_object_for_user_or_404(
            request.user,
            pk,
            selectors.indicators_for_progress(),
            indicator_pk,
            PlanAction.VIEW,
            plan_field="intervention__plan",
        )
        indicator = access.object
        indicator.intervention.plan = access.plan
        refuse_unless_recording(request, access, indicator)
        try:
            given = json_input(request, _INPUT_FIELDS)
        except Invalid as wrong:
            return invalid(wrong.problems)
        form = ProgressForm(given, indicator=indicator)
        if not form.is_valid():
            return invalid(form_problems(form))
        try:
            progress = services.progress_submit(
                actor=request.user, indicator=indicator, **_submitted(form, given)
            )
        except services.ProgressDuplicate as duplicate:
            return Response({"detail": duplicate.messages[0]}, status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            return invalid(service_problems(error))
        url = reverse(
            "api_progress_detail",
            kwargs={"pk": pk, "indicator_pk": indicator_pk, "progress_pk": progress.pk},
        )
        return Response(
            ProgressSerializer(progress, context=progress_context(request, pk)).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(progress), "Location": url},
        )


def progress_found(request: Request, pk: int, indicator_pk: int, progress_pk: int):
    """A value of the indicator, to whoever sees its plan (404 otherwise)."""
    return plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.progress_of_indicator(indicator_pk),
        progress_pk,
        PlanAction.VIEW,
        plan_field="indicator__intervention__plan",
    )


def progress_to_change(
    request: Request, pk: int, indicator_pk: int, progress_pk: int
) -> Progress | Response:
    """The value a PATCH or PUT changes, with its indicator, once the user is found to
    record progress on the indicator (403 otherwise) and ``If-Match`` names the value's
    current version; otherwise the answer: 428 without it, 412 when it is stale."""
    found = progress_found(request, pk, indicator_pk, progress_pk)
    progress = found.object
    indicator = progress.indicator
    indicator.intervention.plan = found.plan
    refuse_unless_recording(request, found, indicator)
    expected = expected_version(request)
    if expected is None:
        return Response(
            {"detail": _("Send the value's ETag in an If-Match header.")},
            status=status.HTTP_428_PRECONDITION_REQUIRED,
        )
    if expected != progress.version:
        return stale(progress)
    return progress


class ProgressDetail(APIView):
    @extend_schema(
        summary="A progress value, with its status and ETag",
        responses={200: ProgressSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int, indicator_pk: int, progress_pk: int) -> Response:
        progress = progress_found(request, pk, indicator_pk, progress_pk).object
        return Response(
            ProgressSerializer(progress, context=progress_context(request, pk)).data,
            headers={"ETag": etag(progress)},
        )

    @extend_schema(
        summary="Correct a returned progress value and submit it again",
        description="Only a value returned by the reviewers is corrected, by those who "
        "record progress on its indicator. The fields not sent keep their values.",
        parameters=[ETAG],
        request=ProgressPatchSerializer,
        responses={
            200: ProgressSerializer,
            **WRITE_ERRORS,
            **STALE_ERRORS,
        },
    )
    def patch(self, request: Request, pk: int, indicator_pk: int, progress_pk: int) -> Response:
        progress = progress_to_change(request, pk, indicator_pk, progress_pk)
        if isinstance(progress, Response):
            return progress
        expected = progress.version
        if progress.status != ProgressStatus.RETURNED:
            return Response(
                {
                    "detail": _("Only a returned value is corrected: this one is %(status)s.")
                    % {"status": progress.get_status_display().lower()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        try:
            given = json_input(request, _INPUT_FIELDS)
        except Invalid as wrong:
            return invalid(wrong.problems)
        current = {
            "measured_on": progress.measured_on.isoformat(),
            "value": str(progress.value),
            "source": progress.source,
            "sex": progress.sex,
            "age": progress.age,
            "migratory_status": progress.migratory_status,
            "comment": progress.comment,
        }
        form = ProgressForm({**current, **given}, indicator=progress.indicator)
        if not form.is_valid():
            return invalid(form_problems(form))
        try:
            corrected = services.progress_resubmit(
                actor=request.user,
                progress=progress,
                expected_version=expected,
                data=_submitted(form, given),
            )
        except EditConflict as conflict:
            return stale(conflict.current)
        except services.ProgressDuplicate as duplicate:
            return Response({"detail": duplicate.messages[0]}, status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            return invalid(service_problems(error))
        return Response(
            ProgressSerializer(corrected, context=progress_context(request, pk)).data,
            headers={"ETag": etag(corrected)},
        )
