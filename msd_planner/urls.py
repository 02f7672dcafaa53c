from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

urlpatterns = [
    path("", include("action_plans.urls")),
    path("", include("governance.urls")),
    path("", include("targets.urls")),
    # Every HTML page answers GET and POST only; other methods get 405.
    path("i18n/setlang/", require_http_methods(["GET", "POST"])(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
