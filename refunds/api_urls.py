from django.urls import path

from refunds import api

urlpatterns = [
    path("orders/<int:pk>/cancel/", api.MemberOrderCancel.as_view(), name="order-cancel"),
    path("orders/<int:pk>/refund-quote/", api.RefundQuote.as_view(), name="order-refund-quote"),
    path("vendor/refunds/", api.VendorRefunds.as_view(), name="vendor-refunds"),
    path(
        "vendor/refunds/<int:pk>/confirm/",
        api.VendorRefundConfirm.as_view(),
        name="vendor-refund-confirm",
    ),
    path(
        "vendor/refunds/<int:pk>/dispute/",
        api.VendorRefundDispute.as_view(),
        name="vendor-refund-dispute",
    ),
    path(
        "orders/<int:pk>/refund/dispute/",
        api.MemberRefundDispute.as_view(),
        name="order-refund-dispute",
    ),
]
