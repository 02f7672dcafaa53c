"""A plan's planning, read: its prioritised targets (and proposals), the existing
frameworks reviewed with their assessments, and the organisations taking part. Each
endpoint authorises as the page it mirrors (the targets page, the coherence matrix, the
governance page: whoever sees the plan, ``PlanAction.VIEW``) through the kernel's access
helpers, and shows what those pages show."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from action_plans.permissions import (
    PlanAction,
    plan_object_for_user_or_404,
)
from api import selectors
from api.filters import FrameworkFilter, ParticipantFilter, PrioritisedTargetFilter
from api.serializers import FrameworkSerializer, ParticipantSerializer, PrioritisedTargetSerializer
from api.views.common import LIST_ERRORS, READ_ERRORS, PlanRecordList

# --- prioritised targets -------------------------------------------------------------------


@extend_schema(
    summary="A plan's targets: prioritised, ranked; proposed; declined",
    responses={200: PrioritisedTargetSerializer(many=True), **LIST_ERRORS},
)
class PrioritisedTargetList(PlanRecordList):
    """Every target of the plan: those prioritised (``status=accepted``), ranked as on
    the targets page (``rank``, shared by targets tied on an equal weighted score; the
    weighted score is null until every weighted criterion is scored); the proposals
    awaiting a coordinator, and those declined, with the coordinator's comment."""

    serializer_class = PrioritisedTargetSerializer
    filterset_class = PrioritisedTargetFilter
    records = staticmethod(selectors.prioritised_targets_for_api)

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "ranking": selectors.target_ranking(self.access.plan),
        }


class PrioritisedTargetDetail(APIView):
    @extend_schema(
        summary="A target of the plan, with its rank, scores, indicators and assessments",
        responses={200: PrioritisedTargetSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int, target_pk: int) -> Response:
        access = plan_object_for_user_or_404(
            request.user, pk, selectors.prioritised_targets_for_api(), target_pk, PlanAction.VIEW
        )
        ranking = selectors.target_ranking(access.plan)
        return Response(
            PrioritisedTargetSerializer(access.object, context={"ranking": ranking}).data
        )


# --- existing frameworks and their assessments ---------------------------------------------


@extend_schema(
    summary="The existing frameworks reviewed for a plan, with their assessments",
    responses={200: FrameworkSerializer(many=True), **LIST_ERRORS},
)
class FrameworkList(PlanRecordList):
    """The coherence matrix, by framework: each existing framework reviewed for the
    plan, with its assessment against each prioritised target assessed."""

    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    records = staticmethod(selectors.frameworks_for_api)


class FrameworkDetail(APIView):
    @extend_schema(
        summary="An existing framework, with its assessments against the plan's targets",
        responses={200: FrameworkSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int, framework_pk: int) -> Response:
        access = plan_object_for_user_or_404(
            request.user, pk, selectors.frameworks_for_api(), framework_pk, PlanAction.VIEW
        )
        return Response(FrameworkSerializer(access.object).data)


# --- organisations taking part -------------------------------------------------------------


@extend_schema(
    summary="The organisations taking part in a plan",
    responses={200: ParticipantSerializer(many=True), **LIST_ERRORS},
)
class ParticipantList(PlanRecordList):
    """The organisations taking part in the plan, as its governance page lists them:
    each one's part (lead body, technical adviser or participant), localisation
    attributes, whether its signature is required, and its signatories' names."""

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    records = staticmethod(selectors.participants_for_api)
