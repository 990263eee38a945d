from django.shortcuts import render
from django.urls import path

from tcloud.site.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The baseline: a template view through the same middleware, no queries."""
    return render(request, "bench_bare.html", {"items": range(24)})


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
