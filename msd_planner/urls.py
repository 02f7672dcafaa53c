from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from msd_planner.health import healthz, readyz


@require_http_methods(["GET", "HEAD"])
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links to: answer with the icon."""
    # Not permanent: in production the address names the version of the file.
    return redirect(static("favicon.svg"))


urlpatterns = [
    path("", include("action_plans.urls")),
    path("", include("governance.urls")),
    path("", include("targets.urls")),
    path("", include("interventions.urls")),
    path("", include("funding.urls")),
    path("", include("portal.urls")),
    path("", include("open_data.urls")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    # For the load balancer: no session, no CSRF, never cached (msd_planner.health).
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
