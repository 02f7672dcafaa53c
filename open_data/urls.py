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
]
