from django.urls import include, path

from catalog import api as catalog_api
from tcloud.core.api.auth import TokenView
from tcloud.site import api as site_api

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("categories/", catalog_api.CategoryList.as_view(), name="categories"),
    path("", include("members.api_urls")),
    path("assessment/", site_api.AssessmentView.as_view(), name="assessment"),
    path("", include("points.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("refunds.api_urls")),
    path("", include("refunds.settlement.api_urls")),
]
