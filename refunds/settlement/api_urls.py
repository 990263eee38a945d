from django.urls import path

from refunds.settlement import api

urlpatterns = [
    path("vendor/settlements/", api.VendorStatements.as_view(), name="vendor-settlements"),
    path(
        "vendor/settlements/<int:pk>/",
        api.VendorStatementDetail.as_view(),
        name="vendor-settlement-detail",
    ),
    path(
        "vendor/settlements/<int:pk>/statement.csv",
        api.VendorStatementCSV.as_view(),
        name="vendor-settlement-csv",
    ),
    path(
        "vendor/settlements/<int:pk>/dispute/",
        api.VendorStatementDispute.as_view(),
        name="vendor-settlement-dispute",
    ),
]
