from django.urls import path

from catalog import api as catalog_api
from tcloud.api.auth import TokenView

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("categories/", catalog_api.CategoryList.as_view(), name="categories"),
]
