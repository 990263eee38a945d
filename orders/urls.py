from django.urls import path

from orders import views

urlpatterns = [
    path("orders/", views.my_orders, name="my_orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/verification/", views.order_verification, name="order_verification"),
    path("orders/<int:pk>/submit/", views.order_submit, name="order_submit"),
    path(
        "orders/<int:pk>/confirm-service/",
        views.order_confirm_service,
        name="order_confirm_service",
    ),
    path(
        "orders/<int:pk>/service-problem/",
        views.order_service_problem,
        name="order_service_problem",
    ),
    path("vendor/orders/", views.vendor_orders, name="vendor_orders"),
    path("vendor/orders/<int:pk>/", views.vendor_order_detail, name="vendor_order_detail"),
    path(
        "vendor/orders/<int:pk>/<slug:action>/",
        views.vendor_order_action,
        name="vendor_order_action",
    ),
]
