from django.urls import path

from governance.views import accounts, organisations, plans

urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("users/", accounts.user_list, name="user_list"),
    path("users/invite/", accounts.user_invite, name="user_invite"),
    path("users/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("users/<int:pk>/deactivate/", accounts.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", accounts.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/invitation/", accounts.invitation_resend, name="invitation_resend"),
    path(
        "users/<int:user_pk>/memberships/<int:pk>/",
        accounts.membership_edit,
        name="membership_edit",
    ),
    path(
        "users/<int:user_pk>/memberships/<int:pk>/remove/",
        accounts.membership_remove,
        name="membership_remove",
    ),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("plans/<int:pk>/governance/", plans.plan_governance, name="plan_governance"),
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
    path("plans/<int:pk>/access/", plans.plan_access, name="plan_access"),
]
