"""API endpoints of the catalog app (included under /api/v1/ by tcloud/site/api_urls.py)."""

from django.urls import path

from catalog import api

urlpatterns = [
    path("plans/", api.PlanList.as_view(), name="plans"),
    path("plans/<int:pk>/", api.PlanDetail.as_view(), name="plan"),
    path("vendor/plans/", api.VendorPlanList.as_view(), name="vendor-plans"),
    path("vendor/plans/<int:pk>/", api.VendorPlanDetail.as_view(), name="vendor-plan"),
]
