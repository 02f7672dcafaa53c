from django.urls import path

from targets import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
]
