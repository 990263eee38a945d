"""Refund endpoints of shared/API.md."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.api import MemberOrderMixin, OrderSerializer, ReasonSerializer, order_queryset
from orders.models import Order
from refunds import services
from refunds.models import Refund
from refunds.selectors import cancellation_quote, refunds_of_vendor
from tcloud.core.api.fields import DATE_SCHEMA, CharField, DateField
from tcloud.core.api.idempotency import idempotent
from tcloud.core.api.permissions import IsMember, IsVendor
from tcloud.core.validators import NOTE_MAX_LENGTH


class QuoteSerializer(serializers.Serializer):
    on = serializers.DateField()
    term_months = serializers.IntegerField()
    used_months = serializers.IntegerField()
    over_half = serializers.BooleanField()
    self_pay_refund = serializers.IntegerField()
    points_returned = serializers.IntegerField()
    points_to_wallet = serializers.IntegerField()
    points_to_program = serializers.IntegerField()


def quote_data(result) -> dict:
    q = result.quote
    return {
        "on": result.on,
        "term_months": q.term_months,
        "used_months": q.used_months,
        "over_half": q.over_half,
        "self_pay_refund": q.self_pay_refund,
        "points_returned": q.points_returned,
        "points_to_wallet": result.points_to_wallet,
        "points_to_program": result.points_to_program,
    }


class RefundQuote(APIView):
    """What cancelling on `on` (default today) would give back (R1-R7). Changes nothing."""

    permission_classes = [IsAuthenticated, IsMember]
    error_statuses = (409,)  # invalid_state unless the order is paid and running (schema)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "on",
                {**DATE_SCHEMA, "description": f"{DATE_SCHEMA['description']} (default today)"},
            )
        ],
        responses=QuoteSerializer,
    )
    def get(self, request, pk):
        order = get_object_or_404(
            Order.objects.select_related("wallet"), pk=pk, business_id=request.user.business_id
        )
        field = DateField()
        raw = request.query_params.get("on")
        try:
            on = field.run_validation(raw) if raw else timezone.localdate()
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"on": exc.detail}) from None
        return Response(QuoteSerializer(quote_data(cancellation_quote(order=order, on=on))).data)


class RefundSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="order_id")
    order_number = serializers.CharField(source="order.number")
    business = serializers.CharField(source="order.business.name")

    class Meta:
        model = Refund
        fields = [
            "id",
            "order",
            "order_number",
            "business",
            "status",
            "reason",
            "cancelled_on",
            "term_months",
            "used_months",
            "over_half",
            "self_pay_refund",
            "points_returned",
            "points_to_wallet",
            "points_to_program",
            "created_at",
            "settled_at",
        ]
        read_only_fields = fields


class VendorRefunds(generics.ListAPIView):
    """The vendor's refunds: owed first, then disputed, then settled."""

    permission_classes = [IsAuthenticated, IsVendor]
    serializer_class = RefundSerializer

    def get_queryset(self):
        return refunds_of_vendor(vendor_id=self.request.user.vendor_id)


class VendorRefundConfirm(APIView):
    """Confirm the self-pay refund was paid back; the order becomes refunded."""

    permission_classes = [IsAuthenticated, IsVendor]

    @extend_schema(request=None, responses=RefundSerializer)
    def post(self, request, pk):
        refund = get_object_or_404(Refund, pk=pk, order__vendor_id=request.user.vendor_id)
        refund = services.refund_confirm(refund=refund, actor=request.user)
        return Response(_refund_data(refund))


class DisputeSerializer(serializers.Serializer):
    note = CharField(max_length=NOTE_MAX_LENGTH, help_text="What is wrong: staff read it.")


def _refund_data(refund: Refund) -> dict:
    refund = Refund.objects.select_related("order__business").get(pk=refund.pk)
    return RefundSerializer(refund).data


class _RefundDispute(APIView):
    """Either party asks staff to step in (owed -> disputed); staff resolve it."""

    def refund_for(self, request, pk) -> Refund:
        raise NotImplementedError

    @extend_schema(request=DisputeSerializer, responses=RefundSerializer)
    def post(self, request, pk):
        refund = self.refund_for(request, pk)
        data = DisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = services.refund_dispute(
            refund=refund, actor=request.user, note=data.validated_data["note"]
        )
        return Response(_refund_data(refund))


class VendorRefundDispute(_RefundDispute):
    """The vendor disputes an owed refund (`pk`: the refund)."""

    permission_classes = [IsAuthenticated, IsVendor]

    def refund_for(self, request, pk) -> Refund:
        return get_object_or_404(Refund, pk=pk, order__vendor_id=request.user.vendor_id)


class MemberRefundDispute(_RefundDispute):
    """The member says the self-pay refund has not arrived or is wrong (`pk`: the order)."""

    permission_classes = [IsAuthenticated, IsMember]

    def refund_for(self, request, pk) -> Refund:
        return get_object_or_404(Refund, order_id=pk, order__business_id=request.user.business_id)


class MemberOrderCancel(MemberOrderMixin, APIView):
    """Cancel: before payment the order is withdrawn; after payment it is
    refunded by R1-R7 (so the endpoint lives with the refunds)."""

    @extend_schema(request=ReasonSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request, pk):
        order = self.get_order(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_cancel(
            order=order, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data)
