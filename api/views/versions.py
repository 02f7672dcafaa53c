"""A plan's versions, for those who see the plan; and the API's public part: the adopted
plans and their adopted versions, for anyone, as the public portal shows them. The public
part reads adopted versions only, and of them what their snapshot froze: a draft, a
version in validation or withdrawn and a plan never adopted are the same 404 as a plan
that does not exist."""

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from action_plans.documents import change_log
from action_plans.permissions import plan_object_for_user_or_404
from action_plans.selectors import versions_shown
from api.filters import OpenPlanFilter
from api.serializers import (
    OpenPlanSerializer,
    OpenVersionSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)
from api.views.common import LIST_ERRORS, READ_ERRORS, ById, PlanRecordList, error_response
from open_data.files import plan_json_file
from open_data.formats import PLAN_DOCUMENT_SCHEMA
from open_data.selectors import published_version
from portal.selectors import current_adopted_versions, plan_adopted_versions

PUBLIC_ERRORS = {
    404: error_response(
        "No such adopted plan or version: a draft, a version in validation or "
        "withdrawn, and a plan never adopted are not found alike."
    ),
    429: READ_ERRORS[429],
}


# --- for those who see the plan --------------------------------------------------------


@extend_schema(
    summary="A plan's versions, whatever their status",
    responses={200: VersionSerializer(many=True), **READ_ERRORS},
)
class VersionList(PlanRecordList):
    """The plan's versions, whatever their status, as its pages list them."""

    serializer_class = VersionSerializer
    filter_backends: list = []
    records = staticmethod(versions_shown)


class VersionDetail(APIView):
    @extend_schema(
        summary="A version, with the changes it carries",
        description="The changes made since the version adopted before it, each with its "
        "reason; once adopted, the address of its open document (public).",
        responses={200: VersionDetailSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int, version_pk: int) -> Response:
        access = plan_object_for_user_or_404(request.user, pk, versions_shown(), version_pk)
        version = access.object
        context = {"request": request, "changes": list(change_log(version))}
        return Response(VersionDetailSerializer(version, context=context).data)


# --- for anyone ------------------------------------------------------------------------


@extend_schema(
    summary="The adopted plans (public)",
    description="Each plan that adopted a version, as its current adopted version froze "
    "it. No sign-in needed.",
    responses={
        200: OpenPlanSerializer(many=True),
        400: LIST_ERRORS[400],
        **PUBLIC_ERRORS,
    },
)
class OpenPlanList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = OpenPlanSerializer
    pagination_class = ById
    filterset_class = OpenPlanFilter

    def get_queryset(self):
        return current_adopted_versions()


class OpenVersionList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An adopted plan's adopted versions, the newest first (public)",
        responses={200: OpenVersionSerializer(many=True), **PUBLIC_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        versions = plan_adopted_versions(pk)
        if not versions:
            raise Http404
        return Response(
            OpenVersionSerializer(versions, many=True, context={"request": request}).data
        )


class OpenVersionDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An adopted version as an open document (public)",
        description="The version as frozen, with each organisation credited as it chose: "
        "the document the portal offers as plan.json.",
        responses={
            200: OpenApiResponse(PLAN_DOCUMENT_SCHEMA, description="The open document."),
            **PUBLIC_ERRORS,
        },
    )
    def get(self, request: Request, pk: int, major: int, minor: int) -> HttpResponse:
        version = published_version(pk, major, minor)
        if version is None:
            raise Http404
        # made once per version and kept: sent as made, not decoded and written again
        return HttpResponse(plan_json_file(version), content_type="application/json")
