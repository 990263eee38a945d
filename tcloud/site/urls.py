from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tcloud.site import overview, views

handler400 = "tcloud.site.views.bad_request"
handler403 = "tcloud.site.views.permission_denied"
handler404 = "tcloud.site.views.page_not_found"
handler500 = "tcloud.site.views.server_error"

urlpatterns = [
    path("", views.landing, name="home"),
    path("me/", views.member_home, name="member_home"),
    path("vendor/", views.vendor_home, name="vendor_home"),
    path("orders/<int:pk>/", views.member_order_detail, name="order_detail"),
    path("points/assessment/result/", views.assessment_result, name="points_assessment_result"),
    path("", include("members.urls")),
    path("", include("points.urls")),
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("refunds.urls")),
    path("", include("refunds.settlement.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/overview/", overview.overview_view, name="program_overview"),
    path("admin/overview/<int:pk>/", overview.overview_view, name="program_overview_year"),
    # Before admin.site.urls: the admin signs in through allauth (login limits).
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tcloud.site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Unknown API paths answer in the API's JSON error format, DEBUG or not.
    re_path(r"^api/", views.page_not_found),
]

if settings.DEBUG:
    # Uploaded files only; static files are served by whitenoise.
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
