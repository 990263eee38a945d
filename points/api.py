"""The points API (shared/API.md): wallet/, wallet/entries/; the serializers of
the assessment, whose endpoint (it recommends plans) is the site layer's
(tcloud.site.api)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from points.models import LedgerEntry, Submission, Wallet
from points.selectors import wallet_current, wallet_entries
from tcloud.core.api.permissions import IsMember


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
    answers = serializers.ListField(
        child=AnswerSerializer(), allow_empty=False, min_length=1, max_length=200
    )


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
