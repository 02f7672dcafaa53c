from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from governance.forms import LoginForm, PasswordChangeForm, SetPasswordForm
from governance.views import accounts, members, organisations, plans, two_factor, validation

# Every HTML page answers GET and POST only; other methods get 405.
html_page = require_http_methods(["GET", "POST"])

# django.contrib.auth.urls, with the limited password reset and the method restriction.
account_patterns = [
    path("login/", html_page(auth_views.LoginView.as_view(form_class=LoginForm)), name="login"),
    path("logout/", html_page(auth_views.LogoutView.as_view()), name="logout"),
    path("two-factor/", two_factor.two_factor_account, name="two_factor_account"),
    path("two-factor/code/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("two-factor/enrol/", two_factor.two_factor_enrol, name="two_factor_enrol"),
    path(
        "two-factor/recovery-codes/",
        two_factor.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
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
    path(
        "password_reset/",
        html_page(accounts.LimitedPasswordResetView.as_view()),
        name="password_reset",
    ),
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
    path("accounts/", include(account_patterns)),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/members/invite/",
        members.organisation_member_invite,
        name="organisation_member_invite",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/",
        members.organisation_member_edit,
        name="organisation_member_edit",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        members.organisation_member_remove,
        name="organisation_member_remove",
    ),
    # Django's set_language (GET and POST only, as every page), which also remembers a
    # signed-in user's choice for the notices and emails sent to them.
    path("i18n/setlang/", accounts.language_set, name="set_language"),
    path("users/", accounts.user_list, name="user_list"),
    path("users/invite/", accounts.user_invite, name="user_invite"),
    path("users/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("users/<int:pk>/deactivate/", accounts.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", accounts.user_reactivate, name="user_reactivate"),
    path(
        "users/<int:pk>/two-factor/reset/",
        two_factor.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
    path("users/<int:pk>/invitation/", accounts.invitation_resend, name="invitation_resend"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("plans/<int:pk>/governance/", plans.plan_governance, name="plan_governance"),
    path("plans/<int:pk>/validation/sign/", validation.plan_sign, name="plan_sign"),
    path(
        "plans/<int:pk>/governance/lead/",
        plans.lead_arrangement_edit,
        name="lead_arrangement_edit",
    ),
    path(
        "plans/<int:pk>/governance/participants/add/",
        plans.participant_add,
        name="participant_add",
    ),
    path(
        "plans/<int:pk>/governance/participants/<int:participation_pk>/",
        plans.participant_edit,
        name="participant_edit",
    ),
    path(
        "plans/<int:pk>/governance/participants/<int:participation_pk>/remove/",
        plans.participant_remove,
        name="participant_remove",
    ),
    path(
        "plans/<int:pk>/governance/participants/<int:participation_pk>/signatory/",
        plans.signatory_request,
        name="signatory_request",
    ),
    path("plans/<int:pk>/access/", plans.plan_access, name="plan_access"),
]
