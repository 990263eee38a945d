from django.urls import include, path

from catalog import api as catalog_api
from tcloud.core.api.auth import TokenView

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("categories/", catalog_api.CategoryList.as_view(), name="categories"),
    path("", include("members.api_urls")),
    path("", include("points.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("refunds.api_urls")),
]
