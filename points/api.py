"""The points API (shared/API.md): assessment/, wallet/, wallet/entries/."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from points.models import LedgerEntry, Submission, Wallet
from points.selectors import assessment_questions, wallet_current, wallet_entries
from points.services import assessment_complete
from tcloud.core.api.idempotency import idempotent


class IsMember(BasePermission):
    """403 for vendors and staff (the API's "wrong role")."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_member)


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    area = serializers.CharField()
    text = serializers.CharField()
    choices = ChoiceSerializer(many=True, source="choices.all")


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    choice = serializers.IntegerField()


class AssessmentInSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True, allow_empty=False)


class WalletSerializer(serializers.Serializer):
    status = serializers.CharField()
    granted = serializers.IntegerField()
    available = serializers.IntegerField()
    held = serializers.IntegerField()
    spent = serializers.IntegerField()
    returned_to_program = serializers.IntegerField()
    granted_at = serializers.DateTimeField(allow_null=True)
    activation_deadline = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


NO_WALLET = {
    "status": Wallet.Status.NONE,
    "granted": 0,
    "available": 0,
    "held": 0,
    "spent": 0,
    "returned_to_program": 0,
    "granted_at": None,
    "activation_deadline": None,
    "expires_at": None,
}


def wallet_data(wallet: Wallet | None) -> dict:
    if wallet is None or wallet.status == Wallet.Status.NONE:
        return dict(NO_WALLET)
    return WalletSerializer(wallet).data


class OutcomeSerializer(serializers.Serializer):
    """What became of the grant (T1, P2): the same outcome and message as the
    results page. `code` is one of Submission.Outcome's values (`granted`,
    `already_granted`, `not_eligible`, `pending_review`, `prior_recipient`,
    `budget_exhausted`, `no_program`); `message` follows Accept-Language."""

    granted = serializers.BooleanField(help_text="True when this request granted the points.")
    code = serializers.ChoiceField(choices=Submission.Outcome.choices)
    message = serializers.CharField()


def outcome_data(result) -> dict:
    return {
        "granted": result.outcome == Submission.Outcome.GRANTED,
        "code": str(result.outcome),
        "message": str(result.message),
    }


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
                "recommended_plans": PlanBriefSerializer(result.plans, many=True).data,
                "wallet": wallet_data(result.wallet),
                "outcome": outcome_data(result),
            }
        )


class WalletView(APIView):
    permission_classes = [IsMember]

    @extend_schema(summary="My points (O7, T5)", responses=WalletSerializer)
    def get(self, request):
        return Response(wallet_data(wallet_current(business=request.user.business)))


class EntrySerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="order_id", allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = ["kind", "points", "created_at", "order"]


@extend_schema(summary="My points' ledger, newest first (T5)")
class WalletEntriesView(generics.ListAPIView):
    permission_classes = [IsMember]
    serializer_class = EntrySerializer

    def get_queryset(self):
        return wallet_entries(wallet=wallet_current(business=self.request.user.business))
