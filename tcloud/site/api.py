"""API endpoints of the site layer: those whose answer combines several apps.

`assessment/` completes the self-assessment (points) and recommends plans
(catalog), so it lives above both.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import plan_list_recommended
from points.api import (
    AssessmentInSerializer,
    OutcomeSerializer,
    QuestionSerializer,
    WalletSerializer,
    outcome_data,
    wallet_data,
)
from points.selectors import assessment_questions
from points.services import assessment_complete
from tcloud.core.api.idempotency import idempotent
from tcloud.core.api.permissions import IsMember


class PlanBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.IntegerField()
    category = serializers.SerializerMethodField()
    vendor = serializers.SerializerMethodField()

    def get_category(self, plan) -> str | None:
        category = getattr(plan, "category", None)
        return getattr(category, "code", None)

    def get_vendor(self, plan) -> dict | None:
        vendor = getattr(plan, "vendor", None)
        return {"id": vendor.pk, "name": vendor.name} if vendor else None


class AssessmentView(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        summary="The self-assessment's questions (T1)",
        responses=inline_serializer("Assessment", {"questions": QuestionSerializer(many=True)}),
    )
    def get(self, request):
        return Response({"questions": QuestionSerializer(assessment_questions(), many=True).data})

    @extend_schema(
        summary="Complete the self-assessment; grants the points when the rules allow (T1, P2)",
        request=AssessmentInSerializer,
        responses=inline_serializer(
            "AssessmentResult",
            {
                "recommended_categories": serializers.ListField(child=serializers.DictField()),
                "recommended_plans": PlanBriefSerializer(many=True),
                "wallet": WalletSerializer(),
                "outcome": OutcomeSerializer(),
            },
        ),
    )
    @idempotent
    def post(self, request):
        data = AssessmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = assessment_complete(user=request.user, answers=data.validated_data["answers"])
        return Response(
            {
                "recommended_categories": [
                    {"code": c.code, "name": c.name} for c in result.categories
                ],
                "recommended_plans": PlanBriefSerializer(
                    plan_list_recommended(categories=result.categories), many=True
                ).data,
                "wallet": wallet_data(result.wallet),
                "outcome": outcome_data(result),
            }
        )
