from django.urls import path

from action_plans import document_views, report_views, validation_views, views
from action_plans.models import DocumentFormat

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/history/", views.plan_history, name="plan_history"),
    # Beside monitoring, under its tab.
    path("plans/<int:pk>/monitoring/reports/", report_views.plan_reports, name="plan_reports"),
    path(
        "plans/<int:pk>/monitoring/reports/<int:year>.<str:document_format>",
        report_views.plan_report,
        name="plan_report",
    ),
    path("plans/<int:pk>/validation/", validation_views.plan_validation, name="plan_validation"),
    path("plans/<int:pk>/validation/submit/", validation_views.plan_submit, name="plan_submit"),
    path(
        "plans/<int:pk>/validation/withdraw/",
        validation_views.plan_withdraw,
        name="plan_withdraw",
    ),
    path("plans/<int:pk>/validation/adopt/", validation_views.plan_adopt, name="plan_adopt"),
    path(
        "plans/<int:pk>/validation/revision/",
        validation_views.plan_revision_open,
        name="plan_revision_open",
    ),
    path(
        "plans/<int:pk>/validation/changes/add/",
        validation_views.plan_change_record,
        name="plan_change_record",
    ),
    path(
        "plans/<int:pk>/versions/compare/",
        validation_views.version_compare,
        name="version_compare",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/",
        validation_views.version_detail,
        name="version_detail",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/document.pdf",
        document_views.version_document,
        name="version_document",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/document/",
        document_views.version_document_state,
        name="version_document_state",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/document.docx",
        document_views.version_document,
        {"document_format": DocumentFormat.DOCX},
        name="version_word_document",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/word/",
        document_views.version_document_state,
        {"document_format": DocumentFormat.DOCX},
        name="version_word_document_state",
    ),
    path("plans/<int:pk>/preview.pdf", document_views.plan_preview, name="plan_preview"),
    path("plans/<int:pk>/preview/", document_views.plan_preview_state, name="plan_preview_state"),
]
