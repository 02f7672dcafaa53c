from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import endpoints, evidence, funding, planning, tokens, versions

urlpatterns = [
    # The user's own tokens (linked from their account page).
    path("accounts/api-tokens/", tokens.api_tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
    # The OpenAPI 3 schema, and its documentation served by the app (no CDN).
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api/swagger_ui.html"
        ),
        name="api_docs",
    ),
    # Version 1 of the API: tests/api/test_matrix.py says who may use each endpoint.
    path("api/v1/plans/", endpoints.PlanList.as_view(), name="api_plan_list"),
    path("api/v1/plans/<int:pk>/", endpoints.PlanDetail.as_view(), name="api_plan_detail"),
    path(
        "api/v1/plans/<int:pk>/interventions/",
        endpoints.InterventionList.as_view(),
        name="api_intervention_list",
    ),
    path(
        "api/v1/plans/<int:pk>/interventions/<int:intervention_pk>/",
        endpoints.InterventionDetail.as_view(),
        name="api_intervention_detail",
    ),
    path(
        "api/v1/plans/<int:pk>/indicators/<int:indicator_pk>/progress/",
        endpoints.ProgressSubmit.as_view(),
        name="api_progress_submit",
    ),
    path(
        "api/v1/plans/<int:pk>/indicators/<int:indicator_pk>/progress/<int:progress_pk>/",
        endpoints.ProgressDetail.as_view(),
        name="api_progress_detail",
    ),
    path(
        "api/v1/plans/<int:pk>/indicators/<int:indicator_pk>/progress/<int:progress_pk>/evidence/",
        evidence.ProgressEvidence.as_view(),
        name="api_progress_evidence",
    ),
    # A plan's prioritised targets, frameworks with their assessments, and organisations.
    path(
        "api/v1/plans/<int:pk>/targets/",
        planning.PrioritisedTargetList.as_view(),
        name="api_target_list",
    ),
    path(
        "api/v1/plans/<int:pk>/targets/<int:target_pk>/",
        planning.PrioritisedTargetDetail.as_view(),
        name="api_target_detail",
    ),
    path(
        "api/v1/plans/<int:pk>/frameworks/",
        planning.FrameworkList.as_view(),
        name="api_framework_list",
    ),
    path(
        "api/v1/plans/<int:pk>/frameworks/<int:framework_pk>/",
        planning.FrameworkDetail.as_view(),
        name="api_framework_detail",
    ),
    path(
        "api/v1/plans/<int:pk>/organisations/",
        planning.ParticipantList.as_view(),
        name="api_organisation_list",
    ),
    # A plan's funding sources and commitments.
    path(
        "api/v1/plans/<int:pk>/funding-sources/",
        funding.FundingSourceList.as_view(),
        name="api_funding_source_list",
    ),
    path(
        "api/v1/plans/<int:pk>/funding-sources/<int:source_pk>/",
        funding.FundingSourceDetail.as_view(),
        name="api_funding_source_detail",
    ),
    path(
        "api/v1/plans/<int:pk>/commitments/",
        funding.CommitmentList.as_view(),
        name="api_commitment_list",
    ),
    path(
        "api/v1/plans/<int:pk>/commitments/<int:commitment_pk>/",
        funding.CommitmentDetail.as_view(),
        name="api_commitment_detail",
    ),
    # A plan's versions; and the public part: adopted versions, for anyone.
    path(
        "api/v1/plans/<int:pk>/versions/", versions.VersionList.as_view(), name="api_version_list"
    ),
    path(
        "api/v1/plans/<int:pk>/versions/<int:version_pk>/",
        versions.VersionDetail.as_view(),
        name="api_version_detail",
    ),
    path("api/v1/open/plans/", versions.OpenPlanList.as_view(), name="api_open_plan_list"),
    path(
        "api/v1/open/plans/<int:pk>/versions/",
        versions.OpenVersionList.as_view(),
        name="api_open_version_list",
    ),
    path(
        "api/v1/open/plans/<int:pk>/versions/<int:major>.<int:minor>/",
        versions.OpenVersionDetail.as_view(),
        name="api_open_version_detail",
    ),
]
