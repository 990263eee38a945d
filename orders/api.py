"""Order endpoints of shared/API.md, for members and vendors."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import plan_get_on_sale
from members.api import PEM_MAX, SIGNATURE_MAX
from orders import services
from orders.models import Order
from orders.reauth import reauth_start
from orders.selectors import order_split, orders_of_business, orders_of_vendor
from tcloud.core.api.fields import CharField, DateField, UriOrEmptyField
from tcloud.core.api.idempotency import idempotent
from tcloud.core.api.permissions import IsMember, IsVendor
from tcloud.core.api.serializers import EventSerializer
from tcloud.core.validators import NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class VendorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrderSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    vendor = VendorRefSerializer(read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    events = EventSerializer(many=True, read_only=True)
    business = serializers.CharField(source="business.name", read_only=True)
    payment_link = UriOrEmptyField(read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "plan",
            "plan_name",
            "term_months",
            "vendor",
            "business",
            "price",
            "points_used",
            "self_pay",
            "respond_by",
            "pay_by",
            "invoice_by",
            "deliver_by",
            "payment_link",
            "payment_options",
            "invoice_number",
            "invoice_issued_on",
            "service_start",
            "service_end",
            "accept_by",
            "service_confirmed_at",
            "problem_open",
            "payable_at",
            "flags",
            "events",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, order):
        data = super().to_representation(order)
        if order.status == Order.Status.DRAFT:
            # A draft shows the split as it would be if submitted now (O2).
            split = order_split(business=order.business, plan=order.plan)
            data.update(points_used=split.points_used, self_pay=split.self_pay)
        return data


class OrderCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=2_147_483_647)


class VerificationSerializer(serializers.Serializer):
    """The proof the business's method needs (see orders.reauth.reauth_check)."""

    code = CharField(required=False, allow_blank=True, max_length=12, help_text="phone / simulator")
    challenge = CharField(required=False, max_length=100, help_text="the nonce that was signed")
    certificate = CharField(
        required=False,
        max_length=PEM_MAX,
        help_text="signer certificate, PEM or base64 DER; optional when the PKCS#7 carries it",
    )
    signature = CharField(
        required=False,
        max_length=SIGNATURE_MAX,
        help_text="base64: the signing component's PKCS#7 over the nonce, or a raw signature",
    )
    chain = serializers.ListField(
        child=CharField(max_length=PEM_MAX),
        required=False,
        max_length=8,
        help_text="intermediate CA PEMs",
    )


class SubmitSerializer(serializers.Serializer):
    agree_contract = serializers.BooleanField()
    verification = VerificationSerializer()
    points_used = serializers.IntegerField(
        required=False, help_text="The points the client showed; 409 amounts_changed if stale."
    )


class ReasonSerializer(serializers.Serializer):
    reason = CharField(max_length=REASON_MAX_LENGTH, allow_blank=True, required=False, default="")


class RequiredReasonSerializer(serializers.Serializer):
    reason = CharField(max_length=REASON_MAX_LENGTH)


class AcceptSerializer(serializers.Serializer):
    payment_link = serializers.URLField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    payment_options = CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class InvoiceSerializer(serializers.Serializer):
    invoice_number = CharField(max_length=10)
    issued_on = DateField()


class StartServiceSerializer(serializers.Serializer):
    service_start = DateField()


def order_queryset():
    return Order.objects.select_related("plan", "vendor", "business").prefetch_related("events")


# --- member --------------------------------------------------------------------


class MemberOrders(generics.ListAPIView):
    """`GET orders/`: the member's orders; `POST orders/ {plan}`: a draft."""

    permission_classes = [IsAuthenticated, IsMember]
    serializer_class = OrderSerializer

    def get_queryset(self):
        return orders_of_business(business=self.request.user.business).prefetch_related("events")

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    @idempotent
    def post(self, request):

        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # A plan that is not on sale (a draft, another vendor's unlisted plan)
        # answers exactly as one that does not exist: no existence oracle.
        plan = plan_get_on_sale(pk=data.validated_data["plan"])
        if plan is None:
            raise serializers.ValidationError({"plan": [_("No such plan.")]})
        order = services.order_create(user=request.user, plan=plan)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class MemberOrderMixin:
    permission_classes = [IsAuthenticated, IsMember]

    def get_order(self, request, pk) -> Order:
        # Another business's order is "not found", never "forbidden".
        return get_object_or_404(order_queryset(), pk=pk, business_id=request.user.business_id)


class MemberOrderDetail(MemberOrderMixin, APIView):
    @extend_schema(responses=OrderSerializer)
    def get(self, request, pk):
        return Response(OrderSerializer(self.get_order(request, pk)).data)


class MemberOrderVerification(MemberOrderMixin, APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk):
        order = self.get_order(request, pk)
        return Response(
            reauth_start(order=order, user=request.user, ip=request.META.get("REMOTE_ADDR", ""))
        )


class MemberOrderConfirmService(MemberOrderMixin, APIView):
    """The member confirms the service works (RULES S2): its points become payable
    to the vendor."""

    @extend_schema(request=None, responses=OrderSerializer)
    def post(self, request, pk):
        order = services.order_confirm_service(
            order=self.get_order(request, pk), actor=request.user
        )
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)


class MemberOrderServiceProblem(MemberOrderMixin, APIView):
    """The member reports that the service does not work (RULES S2): a dispute for
    staff, which stops the 7-business-day clock."""

    @extend_schema(request=RequiredReasonSerializer, responses=OrderSerializer)
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = RequiredReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_report_problem(
            order=order, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)


class MemberOrderSubmit(MemberOrderMixin, APIView):
    @extend_schema(request=SubmitSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_submit(
            order=order,
            actor=request.user,
            agree_contract=data.validated_data["agree_contract"],
            verification=data.validated_data["verification"],
            expected_points_used=data.validated_data.get("points_used"),
        )
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)


# --- vendor --------------------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter(
            "status",
            str,
            enum=["", *Order.Status.values],
            description="one status; empty or left out: every status",
        )
    ]
)
class VendorOrders(generics.ListAPIView):
    """The vendor's orders, the soonest deadline first."""

    permission_classes = [IsAuthenticated, IsVendor]
    serializer_class = OrderSerializer

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or None
        if wanted and wanted not in Order.Status.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        return orders_of_vendor(vendor=self.request.user.vendor, status=wanted).prefetch_related(
            "events"
        )


class VendorOrderMixin:
    permission_classes = [IsAuthenticated, IsVendor]

    def get_order(self, request, pk) -> Order:
        qs = order_queryset().exclude(status=Order.Status.DRAFT)
        return get_object_or_404(qs, pk=pk, vendor_id=request.user.vendor_id)

    def done(self, order):
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)


class VendorOrderDetail(VendorOrderMixin, APIView):
    @extend_schema(responses=OrderSerializer)
    def get(self, request, pk):
        return Response(OrderSerializer(self.get_order(request, pk)).data)


class VendorOrderAccept(VendorOrderMixin, APIView):
    @extend_schema(request=AcceptSerializer, responses=OrderSerializer)
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.done(
            services.order_accept(order=order, actor=request.user, **data.validated_data)
        )


class VendorOrderReject(VendorOrderMixin, APIView):
    @extend_schema(request=RequiredReasonSerializer, responses=OrderSerializer)
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = RequiredReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.done(
            services.order_reject(
                order=order, actor=request.user, reason=data.validated_data["reason"]
            )
        )


class VendorOrderConfirmPayment(VendorOrderMixin, APIView):
    @extend_schema(request=None, responses=OrderSerializer)
    @idempotent
    def post(self, request, pk):
        order = self.get_order(request, pk)
        return self.done(services.order_confirm_payment(order=order, actor=request.user))


class VendorOrderInvoice(VendorOrderMixin, APIView):
    @extend_schema(request=InvoiceSerializer, responses=OrderSerializer)
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = InvoiceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.done(
            services.order_record_invoice(order=order, actor=request.user, **data.validated_data)
        )


class VendorOrderStartService(VendorOrderMixin, APIView):
    @extend_schema(request=StartServiceSerializer, responses=OrderSerializer)
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = StartServiceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.done(
            services.order_start_service(order=order, actor=request.user, **data.validated_data)
        )
