"""A plan's funding sources and commitments (``/api/v1/plans/<pk>/…``). They authorise
exactly as the funding pages: the sources list and an intervention's funding page for
reading; the commitment form (``commitment_create``, ``commitment_edit``) and the
disbursement page (``commitment_disbursement``) for writing, with their forms, services
and ``funding.rules``. The API has no rules of its own."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from action_plans.permissions import (
    PlanAction,
    PlanObjectAccess,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from action_plans.policy import RecordRule
from api import selectors
from api.filters import CommitmentFilter
from api.forms import InterventionChoiceForm
from api.serializers import (
    CommitmentInputSerializer,
    CommitmentPatchSerializer,
    CommitmentSerializer,
    FundingSourceSerializer,
)
from api.views.common import (
    FIELD_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
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
from funding import selectors as funding_selectors
from funding import services
from funding.forms import CommitmentForm, DisbursementForm
from funding.models import Commitment
from funding.rules import COMMITMENT_EDIT, DISBURSEMENT_RECORD, disburses, source_choices
from funding.services import COMMITMENT_FIELDS
from msd_planner.lib.errors import ActionRefused
from msd_planner.lib.versioned_edit import EditConflict

_CREATE_FIELDS = frozenset(CommitmentInputSerializer().fields)
_PATCH_FIELDS = frozenset(CommitmentPatchSerializer().fields)
# The form's multiple choice, sent as a list of ids.
_LISTS = frozenset({"local_actors"})
_DISBURSEMENT = frozenset({"disbursed"})

COMMITMENT_WRITE_ERRORS = {
    **READ_ERRORS,
    400: OpenApiResponse(FIELD_ERRORS, description="Invalid input; nothing was saved."),
    403: error_response(
        "The user sees the plan but may not record this commitment (funding.rules): money "
        "is recorded by the organisation whose source it comes from, and by those who keep "
        "the resource mobilisation plan."
    ),
    409: error_response("The plan is not a draft: its commitments do not change now."),
    413: error_response("The body is too large."),
    415: error_response("The body is not JSON."),
}
COMMITMENT_ETAG = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The commitment's ETag as last read (its version): a stale one is "
    "refused (412), a missing one too (428).",
)


# --- funding sources -----------------------------------------------------------------------


@extend_schema(
    summary="A plan's funding sources, with their providers",
    responses={200: FundingSourceSerializer(many=True), **READ_ERRORS},
)
class FundingSourceList(PlanRecordList):
    """The plan's funding sources, as the sources page lists them."""

    serializer_class = FundingSourceSerializer
    filter_backends: list = []
    records = staticmethod(selectors.sources_with_provider)


class FundingSourceDetail(APIView):
    @extend_schema(
        summary="A funding source", responses={200: FundingSourceSerializer, **READ_ERRORS}
    )
    def get(self, request: Request, pk: int, source_pk: int) -> Response:
        access = plan_object_for_user_or_404(
            request.user, pk, selectors.sources_with_provider(), source_pk
        )
        return Response(FundingSourceSerializer(access.object).data)


# --- commitments ---------------------------------------------------------------------------


def _created(pk: int, commitment: Commitment) -> Response:
    url = reverse("api_commitment_detail", kwargs={"pk": pk, "commitment_pk": commitment.pk})
    return Response(
        CommitmentSerializer(commitment).data,
        status=status.HTTP_201_CREATED,
        headers={"ETag": etag(commitment), "Location": url},
    )


class CommitmentList(PlanRecordList):
    """The commitments to the plan's interventions; one recorded as on the funding page."""

    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    records = staticmethod(selectors.commitments_in_detail)
    plan_field = "intervention__plan"

    @extend_schema(
        summary="A plan's commitments, by stage, provider or intervention",
        responses={
            200: CommitmentSerializer(many=True),
            **LIST_ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        summary="Record a commitment of one of the plan's sources to one of its interventions",
        description="As on the intervention's funding page: an organisation's editors "
        "record commitments of the sources it provides, at any stage to the interventions "
        "it leads and as a pledge to the others'; those who keep the resource mobilisation "
        "plan record any. Left out, the currency is the source's.",
        request=CommitmentInputSerializer,
        responses={201: CommitmentSerializer, **COMMITMENT_WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
        try:
            given = json_input(request, _CREATE_FIELDS, _LISTS)
        except Invalid as wrong:
            return invalid(wrong.problems)
        chosen = InterventionChoiceForm(
            given, interventions=selectors.interventions_to_fund(access.plan)
        )
        if not chosen.is_valid():
            return invalid(form_problems(chosen))
        intervention = chosen.cleaned_data["intervention"]
        form = CommitmentForm(
            given,
            instance=Commitment(intervention=intervention),
            intervention=intervention,
            sources=source_choices(access),
            local_actors=funding_selectors.local_actors_of(access.plan),
        )
        if not form.is_valid():
            return invalid(form_problems(form))
        try:
            commitment = services.commitment_create(
                actor=request.user,
                intervention=intervention,
                commitment=form.save(commit=False),
                local_actors=list(form.cleaned_data["local_actors"]),
            )
        except ValidationError as error:
            return invalid(service_problems(error))
        return _created(pk, commitment)


def _as_saved(commitment: Commitment) -> dict[str, Any]:
    """The commitment's values as its form reads them: what the fields sent are laid over
    (those not sent keep their values)."""
    values = forms.model_to_dict(commitment, fields=COMMITMENT_FIELDS)
    values["local_actors"] = [actor.pk for actor in values["local_actors"]]
    return values


def _reports_disbursement(request: Request) -> bool:
    """Whether the body sends the money disbursed to date alone: the disbursement page's
    work (living, whatever the plan's status), not the commitment form's."""
    return isinstance(request.data, dict) and set(request.data) == _DISBURSEMENT


class CommitmentDetail(APIView):
    def _found(
        self, request: Request, pk: int, commitment_pk: int, rule: PlanAction | RecordRule
    ) -> PlanObjectAccess[Commitment]:
        return plan_object_for_user_or_404(
            request.user,
            pk,
            selectors.commitments_in_detail(),
            commitment_pk,
            rule,
            plan_field="intervention__plan",
        )

    @extend_schema(
        summary="A commitment, with its ETag",
        responses={200: CommitmentSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int, commitment_pk: int) -> Response:
        commitment = self._found(request, pk, commitment_pk, PlanAction.VIEW).object
        return Response(CommitmentSerializer(commitment).data, headers={"ETag": etag(commitment)})

    @extend_schema(
        summary="Change a commitment, or report the money disbursed from it",
        description="The fields sent change, as on the commitment's form (a draft only, "
        "409 otherwise); the fields not sent keep their values. `disbursed` sent alone "
        "reports the money disbursed to date of a committed or disbursed commitment, as "
        "on its disbursement page, whatever the plan's status: the stage follows (disbursed "
        "once something is).",
        parameters=[COMMITMENT_ETAG],
        request=CommitmentPatchSerializer,
        responses={
            200: CommitmentSerializer,
            **COMMITMENT_WRITE_ERRORS,
            412: error_response(
                "The commitment changed since the ETag sent was read: read it again."
            ),
            428: error_response("Send the commitment's ETag in If-Match."),
        },
    )
    def patch(self, request: Request, pk: int, commitment_pk: int) -> Response:
        disbursement = _reports_disbursement(request)
        rule = DISBURSEMENT_RECORD if disbursement else COMMITMENT_EDIT
        found = self._found(request, pk, commitment_pk, rule)
        commitment = found.object
        if disbursement and not disburses(commitment):  # a pledge pays nothing out
            raise ActionRefused(DISBURSEMENT_RECORD.name, f"commitment {commitment_pk}")
        expected = expected_version(request)
        if expected is None:
            return Response(
                {"detail": _("Send the commitment's ETag in an If-Match header.")},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        if expected != commitment.version:
            return stale(commitment)
        try:
            given = json_input(request, _PATCH_FIELDS, _LISTS)
            save = _save_disbursement_form if disbursement else _save_commitment_form
            updated = save(request, found, {**given, "version": str(expected)})
        except Invalid as wrong:
            return invalid(wrong.problems)
        except EditConflict as conflict:
            return stale(conflict.current)
        except ValidationError as error:
            return invalid(service_problems(error))
        return Response(CommitmentSerializer(updated).data, headers={"ETag": etag(updated)})


def _save_commitment_form(
    request: Request, found: PlanObjectAccess[Commitment], given: dict[str, Any]
) -> Commitment:
    """Change the commitment as its form does (``commitment_edit``)."""
    commitment = found.object
    form = CommitmentForm(
        {**_as_saved(commitment), **given},
        instance=commitment,
        intervention=commitment.intervention,
        # The current source stays choosable (the form shows the record as it is).
        sources=funding_selectors.sources_with(source_choices(found), commitment.source_id),
        local_actors=funding_selectors.local_actors_of(found.plan),
    )
    if not form.is_valid():
        raise Invalid(form_problems(form))
    return services.commitment_update(
        actor=request.user,
        commitment=commitment,
        expected_version=form.cleaned_data["version"],
        data=form.edited_values(),
    ).instance


def _save_disbursement_form(
    request: Request, found: PlanObjectAccess[Commitment], given: dict[str, Any]
) -> Commitment:
    """Record the money disbursed to date as the disbursement page does."""
    form = DisbursementForm(given, instance=found.object)
    if not form.is_valid():
        raise Invalid(form_problems(form))
    return services.commitment_disbursement_record(
        actor=request.user,
        commitment=found.object,
        expected_version=form.cleaned_data["version"],
        disbursed=form.cleaned_data["disbursed"],
    ).instance
