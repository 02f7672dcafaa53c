from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from governance.forms import LoginForm, PasswordChangeForm, SetPasswordForm
from msd_planner.password_reset import LimitedPasswordResetView

# Every HTML page answers GET and POST only; other methods get 405.
html_page = require_http_methods(["GET", "POST"])

# django.contrib.auth.urls, with the limited password reset and the method restriction.
account_patterns = [
    path("login/", html_page(auth_views.LoginView.as_view(form_class=LoginForm)), name="login"),
    path("logout/", html_page(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password_change/",
        html_page(auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm)),
        name="password_change",
    ),
    path(
        "password_change/done/",
        html_page(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("password_reset/", html_page(LimitedPasswordResetView.as_view()), name="password_reset"),
    path(
        "password_reset/done/",
        html_page(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        html_page(auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm)),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        html_page(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include("action_plans.urls")),
    path("", include("governance.urls")),
    path("", include("targets.urls")),
    path("accounts/", include(account_patterns)),
    path("i18n/setlang/", html_page(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
