from django.urls import path

from refunds import views

urlpatterns = [
    path("vendor/refunds/", views.vendor_refunds, name="vendor_refunds"),
    path(
        "vendor/refunds/<int:pk>/confirm/",
        views.vendor_refund_confirm,
        name="vendor_refund_confirm",
    ),
    path(
        "vendor/refunds/<int:pk>/dispute/",
        views.vendor_refund_dispute,
        name="vendor_refund_dispute",
    ),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/refund-quote/", views.order_refund_quote, name="order_refund_quote"),
    path("orders/<int:pk>/refund/dispute/", views.member_refund_dispute, name="refund_dispute"),
]
