from django.urls import path

from interventions.views import interventions, library, monitoring, progress, results

urlpatterns = [
    path(
        "plans/<int:pk>/interventions/",
        interventions.intervention_list,
        name="intervention_list",
    ),
    path(
        "plans/<int:pk>/interventions/add/",
        interventions.intervention_create,
        name="intervention_create",
    ),
    path(
        "plans/<int:pk>/interventions/coverage/",
        interventions.coverage,
        name="intervention_coverage",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/",
        interventions.intervention_detail,
        name="intervention_detail",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/edit/",
        interventions.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/status/",
        interventions.intervention_status,
        name="intervention_status",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/remove/",
        interventions.intervention_remove,
        name="intervention_remove",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/comments/",
        interventions.comment_add,
        name="intervention_comment",
    ),
    # the results framework
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/indicators/add/",
        results.indicator_add,
        name="result_indicator_add",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/indicators/<int:indicator_pk>/",
        results.indicator_edit,
        name="result_indicator_edit",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/indicators/<int:indicator_pk>/remove/",
        results.indicator_remove,
        name="result_indicator_remove",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/indicators/<int:indicator_pk>/progress/",
        results.progress_submit,
        name="progress_submit",
    ),
    path(
        "plans/<int:pk>/interventions/<int:intervention_pk>/indicators/<int:indicator_pk>/progress/<int:progress_pk>/remove/",
        results.progress_remove,
        name="progress_remove",
    ),
    path("plans/<int:pk>/monitoring/", monitoring.monitoring, name="plan_monitoring"),
    # progress reviewed by those who lead monitoring
    path("plans/<int:pk>/progress/review/", progress.review_list, name="progress_review_list"),
    path("plans/<int:pk>/progress/overdue/", progress.overdue_list, name="progress_overdue_list"),
    path(
        "plans/<int:pk>/progress/<int:progress_pk>/review/",
        progress.progress_review,
        name="progress_review",
    ),
    path(
        "plans/<int:pk>/progress/<int:progress_pk>/correct/",
        progress.progress_correct,
        name="progress_correct",
    ),
    path(
        "plans/<int:pk>/progress/<int:progress_pk>/evidence/",
        progress.progress_evidence,
        name="progress_evidence",
    ),
    path(
        "plans/<int:pk>/progress/sdg-values.csv",
        progress.sdg_values_export,
        name="sdg_values_export",
    ),
    # examples to start from, and import
    path(
        "plans/<int:pk>/interventions/examples/",
        library.example_list,
        name="intervention_examples",
    ),
    path(
        "plans/<int:pk>/interventions/examples/<slug:slug>/",
        library.example_use,
        name="intervention_example_use",
    ),
    path(
        "plans/<int:pk>/interventions/import/",
        library.intervention_import,
        name="intervention_import",
    ),
    path(
        "plans/<int:pk>/interventions/import/template.<str:file_format>",
        library.import_template,
        name="intervention_import_template",
    ),
]
