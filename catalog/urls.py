"""Pages of the catalog app (included at the site root by tcloud/site/urls.py).

`/vendor/` itself (name vendor_home) is routed in tcloud/site/urls.py to
catalog.views.vendor_home.
"""

from django.urls import path

from catalog import views

urlpatterns = [
    path("catalog/", views.zone, name="catalog_zone"),
    path("plans/", views.plan_list, name="catalog_plans"),
    path("plans/<int:pk>/", views.plan_detail, name="catalog_plan"),
    path("catalog/vendors/<int:pk>/", views.vendor_detail, name="catalog_vendor"),
    path("vendor/apply/", views.vendor_apply, name="vendor_apply"),
    path("vendor/apply/done/", views.vendor_apply_done, name="vendor_apply_done"),
    path("vendor/invitations/<str:token>/", views.vendor_invitation, name="vendor_invitation"),
    path("vendor/plans/", views.vendor_plans, name="vendor_plans"),
    path("vendor/plans/new/", views.vendor_plan_new, name="vendor_plan_new"),
    path("vendor/plans/<int:pk>/", views.vendor_plan, name="vendor_plan"),
    path("vendor/plans/<int:pk>/edit/", views.vendor_plan_edit, name="vendor_plan_edit"),
    path("vendor/plans/<int:pk>/submit/", views.vendor_plan_submit, name="vendor_plan_submit"),
    path("vendor/team/", views.vendor_team, name="vendor_team"),
]
