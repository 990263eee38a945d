"""Pages of the members app (included at the site root by tcloud/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
