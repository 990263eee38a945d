"""API endpoints of the catalog app (included under /api/v1/ by tcloud/api/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
