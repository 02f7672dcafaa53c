from django.urls import path

from open_data import views

urlpatterns = [
    path(
        "plans/<int:pk>/versions/<int:version_pk>/iati.xml",
        views.version_iati,
        name="version_iati",
    ),
    path(
        "open/plans/<int:pk>/versions/<int:major>.<int:minor>/iati.xml",
        views.open_version_iati,
        name="open_version_iati",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/plan.json",
        views.version_open_file,
        {"file": "json"},
        name="version_plan_json",
    ),
    path(
        "plans/<int:pk>/versions/<int:version_pk>/tables.zip",
        views.version_open_file,
        {"file": "tables"},
        name="version_tables",
    ),
    path(
        "open/plans/<int:pk>/versions/<int:major>.<int:minor>/plan.json",
        views.open_version_file,
        {"file": "json"},
        name="open_version_plan_json",
    ),
    path(
        "open/plans/<int:pk>/versions/<int:major>.<int:minor>/tables.zip",
        views.open_version_file,
        {"file": "tables"},
        name="open_version_tables",
    ),
]
