"""Pages of the points app (included at the site root by tcloud/site/urls.py)."""

from django.urls import path

from points import views

urlpatterns = [
    path("points/", views.my_points, name="points_mine"),
    path("points/assessment/", views.assessment, name="points_assessment"),
    path("points/expert/", views.expert, name="points_expert"),
]
