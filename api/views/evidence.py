"""A progress value's evidence file (``/api/v1/plans/<pk>/indicators/<indicator_pk>/
progress/<progress_pk>/evidence/``): downloaded by whoever sees the plan, as the page's
``progress_evidence``; attached or replaced by those who record progress on the
indicator, through ``interventions.services.progress_evidence_attach`` and its checks
(size, and a content that is what the name says). The API has no rules of its own.

The body of a PUT is the file itself, not JSON: ``API_MAX_BODY_BYTES`` does not apply,
``PROGRESS_EVIDENCE_MAX_BYTES`` does, answered 400 with the page's message on
``evidence`` (as every other refused file)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import UNNAMED_FILE, EvidenceParser
from api.serializers import ProgressSerializer
from api.views.common import (
    FIELD_ERRORS,
    READ_ERRORS,
    error_response,
    etag,
    service_problems,
    stale,
)
from api.views.endpoints import (
    ETAG,
    STALE_ERRORS,
    progress_context,
    progress_found,
    progress_to_change,
)
from interventions import services
from msd_planner.lib import uploads
from msd_planner.lib.versioned_edit import EditConflict

EVIDENCE_TYPES = (*uploads.CONTENT_TYPES.values(), "application/octet-stream")


class ProgressEvidence(APIView):
    parser_classes = [EvidenceParser]

    @extend_schema(
        summary="A progress value's evidence file",
        description="The file as an attachment, with the content type of what its content "
        "is (PDF, PNG, JPEG or XLSX). 404 when the value has none.",
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
            for content_type in EVIDENCE_TYPES
        }
        | {(code, "application/json"): error for code, error in READ_ERRORS.items()},
    )
    def get(
        self, request: Request, pk: int, indicator_pk: int, progress_pk: int
    ) -> HttpResponseBase:
        progress = progress_found(request, pk, indicator_pk, progress_pk).object
        if not progress.evidence:
            raise Http404("no evidence")
        return uploads.attachment_response(progress.evidence)

    @extend_schema(
        summary="Attach or replace a progress value's evidence file",
        description="The body is the file (a PDF, PNG, JPEG or XLSX; its name's extension "
        "must match its content), named in Content-Disposition: attachment; "
        'filename="report.pdf". Where the page takes a file: by who submitted the value '
        "while it waits for review, or as the correction of a returned value, which "
        "submits it again. A file too large, or whose content is not what its name says, "
        "is refused with 400 on `evidence` (the page's message); nothing is stored.",
        parameters=[ETAG],
        request={content_type: OpenApiTypes.BINARY for content_type in EVIDENCE_TYPES},
        responses={
            200: ProgressSerializer,
            **READ_ERRORS,
            400: OpenApiResponse(
                FIELD_ERRORS, description="No file name, or the file is refused; nothing saved."
            ),
            403: error_response(
                "The user sees the plan but may not record progress on this indicator."
            ),
            409: error_response(
                "The value is approved, or another's waiting for review, or a value for its "
                "period is already submitted or approved."
            ),
            **STALE_ERRORS,
        },
    )
    def put(self, request: Request, pk: int, indicator_pk: int, progress_pk: int) -> Response:
        progress = progress_to_change(request, pk, indicator_pk, progress_pk)
        if isinstance(progress, Response):
            return progress
        expected = progress.version
        evidence = request.FILES.get("file")
        if evidence is None:  # an empty body
            raise ParseError(UNNAMED_FILE)
        try:
            attached = services.progress_evidence_attach(
                actor=request.user,
                progress=progress,
                expected_version=expected,
                evidence=evidence,
            )
        except EditConflict as conflict:
            return stale(conflict.current)
        except ValidationError as error:
            if getattr(error, "code", None) in {"closed", "duplicate"}:
                return Response(service_problems(error), status=status.HTTP_409_CONFLICT)
            return Response(service_problems(error), status=status.HTTP_400_BAD_REQUEST)
        return Response(
            ProgressSerializer(attached, context=progress_context(request, pk)).data,
            headers={"ETag": etag(attached)},
        )
