from django.urls import path

from refunds.settlement import views

urlpatterns = [
    path("vendor/settlements/", views.vendor_settlements, name="vendor_settlements"),
    path("vendor/settlements/<int:pk>/", views.vendor_settlement, name="vendor_settlement"),
    path(
        "vendor/settlements/<int:pk>/print/",
        views.vendor_settlement_print,
        name="vendor_settlement_print",
    ),
    path(
        "vendor/settlements/<int:pk>/statement.csv",
        views.vendor_settlement_csv,
        name="vendor_settlement_csv",
    ),
    path(
        "vendor/settlements/<int:pk>/dispute/",
        views.vendor_settlement_dispute,
        name="vendor_settlement_dispute",
    ),
]
