from django.urls import path

from action_plans import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
