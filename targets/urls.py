from django.urls import path

from targets import views

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("plans/<int:pk>/targets/", views.prioritised_target_list, name="prioritised_target_list"),
    path(
        "plans/<int:pk>/targets/add/", views.prioritised_target_add, name="prioritised_target_add"
    ),
    path(
        "plans/<int:pk>/targets/criteria/",
        views.scoring_criteria_edit,
        name="scoring_criteria_edit",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/",
        views.prioritised_target_detail,
        name="prioritised_target_detail",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/edit/",
        views.prioritised_target_edit,
        name="prioritised_target_edit",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/scores/",
        views.prioritised_target_scores,
        name="prioritised_target_scores",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/baseline/",
        views.prioritised_target_baseline,
        name="prioritised_target_baseline",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/proposal/",
        views.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/decide/",
        views.proposal_decide,
        name="proposal_decide",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/remove/",
        views.prioritised_target_remove,
        name="prioritised_target_remove",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/indicators/add/",
        views.followed_indicator_add,
        name="followed_indicator_add",
    ),
    path(
        "plans/<int:pk>/targets/<int:item_pk>/indicators/<int:indicator_pk>/remove/",
        views.followed_indicator_remove,
        name="followed_indicator_remove",
    ),
    path("plans/<int:pk>/frameworks/", views.coherence_matrix, name="coherence_matrix"),
    path("plans/<int:pk>/frameworks/add/", views.framework_create, name="framework_create"),
    path(
        "plans/<int:pk>/frameworks/<int:framework_pk>/edit/",
        views.framework_edit,
        name="framework_edit",
    ),
    path(
        "plans/<int:pk>/frameworks/<int:framework_pk>/assess/",
        views.framework_assess,
        name="framework_assess",
    ),
    path(
        "plans/<int:pk>/frameworks/<int:framework_pk>/remove/",
        views.framework_delete,
        name="framework_delete",
    ),
    # the consultation log
    path(
        "plans/<int:pk>/consultations/",
        views.consultation_list,
        name="consultation_list",
    ),
    path(
        "plans/<int:pk>/consultations/add/",
        views.consultation_create,
        name="consultation_create",
    ),
    path(
        "plans/<int:pk>/consultations/<int:consultation_pk>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "plans/<int:pk>/consultations/<int:consultation_pk>/edit/",
        views.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "plans/<int:pk>/consultations/<int:consultation_pk>/delete/",
        views.consultation_delete,
        name="consultation_delete",
    ),
]
