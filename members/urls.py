"""Pages of the members app (included at the site root by tcloud/site/urls.py)."""

from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    # Before allauth's: the public sign-up is the registration wizard.
    path("accounts/signup/", views.signup_redirect, name="signup"),
    path("join/", views.join, name="join"),
    path("join/resume/<str:token>/", views.resume, name="resume"),
    path("join/restart/", views.restart, name="restart"),
]
