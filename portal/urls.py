from django.urls import path

from portal import views

VERSION = "open/plans/<int:pk>/versions/<int:major>.<int:minor>/"

urlpatterns = [
    path("open/", views.plan_list, name="portal_plans"),
    path("open/plans/<int:pk>/", views.plan_current, name="portal_plan"),
    path(VERSION, views.version_detail, name="portal_version"),
    path(f"{VERSION}embed/", views.version_embed, name="portal_version_embed"),
    path(f"{VERSION}plan.pdf", views.version_pdf, name="portal_version_pdf"),
]
