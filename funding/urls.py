from django.urls import path

from funding.views import capacity, commitments, localisation, mobilisation, overview, sources

INTERVENTION = "plans/<int:pk>/funding/interventions/<int:intervention_pk>/"

urlpatterns = [
    path("plans/<int:pk>/funding/", overview.funding_overview, name="funding_overview"),
    path("plans/<int:pk>/funding/interventions/", overview.funding_table, name="funding_table"),
    path(
        "plans/<int:pk>/funding/export.<str:file_format>",
        overview.funding_export,
        name="funding_export",
    ),
    path(
        "plans/<int:pk>/funding/localisation-target/",
        localisation.localisation_target_edit,
        name="localisation_target_edit",
    ),
    # the capacity-strengthening needs of local actors
    path(
        "plans/<int:pk>/funding/capacity-needs/",
        capacity.capacity_need_list,
        name="capacity_need_list",
    ),
    path(
        "plans/<int:pk>/funding/capacity-needs/add/",
        capacity.capacity_need_create,
        name="capacity_need_create",
    ),
    path(
        "plans/<int:pk>/funding/capacity-needs/<int:need_pk>/",
        capacity.capacity_need_edit,
        name="capacity_need_edit",
    ),
    path(
        "plans/<int:pk>/funding/capacity-needs/<int:need_pk>/remove/",
        capacity.capacity_need_remove,
        name="capacity_need_remove",
    ),
    path(
        "plans/<int:pk>/funding/capacity-needs/<int:need_pk>/interventions/",
        capacity.capacity_need_addressing,
        name="capacity_need_addressing",
    ),
    # sources
    path("plans/<int:pk>/funding/sources/", sources.source_list, name="funding_source_list"),
    path(
        "plans/<int:pk>/funding/sources/add/", sources.source_create, name="funding_source_create"
    ),
    path(
        "plans/<int:pk>/funding/sources/<int:source_pk>/",
        sources.source_edit,
        name="funding_source_edit",
    ),
    path(
        "plans/<int:pk>/funding/sources/<int:source_pk>/remove/",
        sources.source_remove,
        name="funding_source_remove",
    ),
    # an intervention's funding
    path(INTERVENTION, commitments.intervention_funding, name="intervention_funding"),
    path(
        INTERVENTION + "commitments/add/",
        commitments.commitment_create,
        name="commitment_create",
    ),
    path(
        INTERVENTION + "commitments/<int:commitment_pk>/",
        commitments.commitment_edit,
        name="commitment_edit",
    ),
    path(
        INTERVENTION + "commitments/<int:commitment_pk>/disbursement/",
        commitments.commitment_disbursement,
        name="commitment_disbursement",
    ),
    path(
        INTERVENTION + "commitments/<int:commitment_pk>/remove/",
        commitments.commitment_remove,
        name="commitment_remove",
    ),
    path(INTERVENTION + "strategy/", commitments.strategy_edit, name="mobilisation_strategy_edit"),
    # the resource mobilisation plan and the engagement log
    path(
        "plans/<int:pk>/funding/mobilisation/",
        mobilisation.mobilisation_plan,
        name="mobilisation_plan",
    ),
    path(
        "plans/<int:pk>/funding/engagements/", mobilisation.engagement_list, name="engagement_list"
    ),
    path(
        "plans/<int:pk>/funding/engagements/add/",
        mobilisation.engagement_create,
        name="engagement_create",
    ),
    path(
        "plans/<int:pk>/funding/engagements/<int:engagement_pk>/",
        mobilisation.engagement_edit,
        name="engagement_edit",
    ),
    path(
        "plans/<int:pk>/funding/engagements/<int:engagement_pk>/remove/",
        mobilisation.engagement_remove,
        name="engagement_remove",
    ),
]
