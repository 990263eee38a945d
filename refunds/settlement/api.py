"""The vendor's settlement endpoints (shared/API.md, RULES S1-S6)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from refunds.settlement import services
from refunds.settlement.csv import statement_csv, statement_filename
from refunds.settlement.models import Statement, StatementLine
from refunds.settlement.selectors import statement_lines, statements_of_vendor
from tcloud.core.api.fields import CharField
from tcloud.core.api.permissions import IsVendor
from tcloud.core.validators import REASON_MAX_LENGTH


class StatementSerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="program_id", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "program",
            "period",
            "status",
            "points_payable",
            "points_clawed_back",
            "carried_over",
            "amount_due",
            "paid_on",
            "transfer_reference",
        ]
        read_only_fields = fields


class LineSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="order_id", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)

    class Meta:
        model = StatementLine
        fields = ["order", "order_number", "kind", "points"]
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    def get_lines(self, statement) -> list[dict]:
        return LineSerializer(statement_lines(statement=statement), many=True).data


class VendorStatementMixin:
    permission_classes = [IsAuthenticated, IsVendor]

    def get_statement(self, request, pk) -> Statement:
        # Another vendor's statement is "not found", never "forbidden".
        return get_object_or_404(statements_of_vendor(vendor_id=request.user.vendor_id), pk=pk)


class VendorStatements(VendorStatementMixin, generics.ListAPIView):
    """The vendor's statements, newest month first."""

    serializer_class = StatementSerializer

    def get_queryset(self):
        return statements_of_vendor(vendor_id=self.request.user.vendor_id).order_by(
            "-period", "program_id"
        )


class VendorStatementDetail(VendorStatementMixin, APIView):
    @extend_schema(responses=StatementDetailSerializer)
    def get(self, request, pk):
        return Response(StatementDetailSerializer(self.get_statement(request, pk)).data)


class VendorStatementCSV(VendorStatementMixin, APIView):
    """The statement as CSV (UTF-8 with BOM, ROC and ISO dates)."""

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request, pk):
        statement = self.get_statement(request, pk)
        response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement)}"'
        return response


class StatementDisputeSerializer(serializers.Serializer):
    reason = CharField(max_length=REASON_MAX_LENGTH)


class VendorStatementDispute(VendorStatementMixin, APIView):
    """Dispute a draft or approved statement with a reason (RULES S5)."""

    error_statuses = (409,)

    @extend_schema(request=StatementDisputeSerializer, responses=StatementSerializer)
    def post(self, request, pk):
        statement = self.get_statement(request, pk)
        data = StatementDisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = services.statement_dispute(
            statement=statement, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(StatementSerializer(statement).data)
