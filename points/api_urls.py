"""API endpoints of the points app (included under /api/v1/ by tcloud/site/api_urls.py)."""

from django.urls import path

from points import api

urlpatterns = [
    path("wallet/", api.WalletView.as_view(), name="wallet"),
    path("wallet/entries/", api.WalletEntriesView.as_view(), name="wallet-entries"),
]
