"""Order endpoints under /api/v1/ (shared/API.md)."""

from django.urls import path

from orders import api

urlpatterns = [
    path("orders/", api.MemberOrders.as_view(), name="orders"),
    path("orders/<int:pk>/", api.MemberOrderDetail.as_view(), name="order-detail"),
    path(
        "orders/<int:pk>/verification/",
        api.MemberOrderVerification.as_view(),
        name="order-verification",
    ),
    path("orders/<int:pk>/submit/", api.MemberOrderSubmit.as_view(), name="order-submit"),
    path(
        "orders/<int:pk>/confirm-service/",
        api.MemberOrderConfirmService.as_view(),
        name="order-confirm-service",
    ),
    path(
        "orders/<int:pk>/service-problem/",
        api.MemberOrderServiceProblem.as_view(),
        name="order-service-problem",
    ),
    path("vendor/orders/", api.VendorOrders.as_view(), name="vendor-orders"),
    path("vendor/orders/<int:pk>/", api.VendorOrderDetail.as_view(), name="vendor-order-detail"),
    path(
        "vendor/orders/<int:pk>/accept/",
        api.VendorOrderAccept.as_view(),
        name="vendor-order-accept",
    ),
    path(
        "vendor/orders/<int:pk>/reject/",
        api.VendorOrderReject.as_view(),
        name="vendor-order-reject",
    ),
    path(
        "vendor/orders/<int:pk>/confirm-payment/",
        api.VendorOrderConfirmPayment.as_view(),
        name="vendor-order-confirm-payment",
    ),
    path(
        "vendor/orders/<int:pk>/invoice/",
        api.VendorOrderInvoice.as_view(),
        name="vendor-order-invoice",
    ),
    path(
        "vendor/orders/<int:pk>/start-service/",
        api.VendorOrderStartService.as_view(),
        name="vendor-order-start-service",
    ),
]
