"""Catalog and vendor-plan endpoints (shared/API.md, "Catalog" and "Vendor").

API views parse input and call selectors/services. Vendor endpoints answer 403
to other roles and 404 for another vendor's plan (never revealing it exists).
"""

from __future__ import annotations

from django.db import models, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from catalog import selectors, services
from catalog.models import Plan, PlanRevision
from points.models import Category
from tcloud.core.api.fields import CharField
from tcloud.core.api.permissions import IsVendor
from tcloud.core.validators import LONG_TEXT_MAX_LENGTH

# The largest value a PostgreSQL integer column holds: ids and amounts above it
# cannot match anything, so they are refused as out of range.
MAX_ID = 2_147_483_647


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name"]


@extend_schema(summary="The subsidy zone's 15 categories")
class CategoryList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    queryset = Category.objects.order_by("position")


class PlanVendorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlanSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    vendor = PlanVendorSerializer()
    subsidy_eligible = serializers.BooleanField()

    class Meta:
        model = Plan
        fields = ["id", "name", "category", "vendor", "price", "term_months", "subsidy_eligible"]


class PlanDetailSerializer(PlanSerializer):
    class Meta(PlanSerializer.Meta):
        fields = PlanSerializer.Meta.fields + ["summary", "description", "specification"]


class PlanFilterSerializer(serializers.Serializer):
    """The list's query parameters; a bad value is a 400 naming it."""

    category = serializers.SlugField(
        required=False, allow_blank=True, max_length=40, help_text="category code"
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="search words (Chinese or English)",
    )
    vendor = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    min_price = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    max_price = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    term_months = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    subsidy = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only plans that may use points (O1)",
    )
    sort = serializers.ChoiceField(choices=sorted(selectors.SORTS), required=False)


@extend_schema(
    summary="Plans on sale (listed plans of approved vendors)", parameters=[PlanFilterSerializer]
)
class PlanList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PlanSerializer

    def get_queryset(self):
        wanted = PlanFilterSerializer(data=self.request.query_params.dict())
        wanted.is_valid(raise_exception=True)
        params = wanted.validated_data
        return selectors.plan_list(
            category=params.get("category") or None,
            q=params.get("q", ""),
            vendor=params.get("vendor"),
            min_price=params.get("min_price"),
            max_price=params.get("max_price"),
            term_months=params.get("term_months"),
            subsidy=params.get("subsidy"),
            sort=params.get("sort") or "newest",
        )


@extend_schema(summary="One plan on sale, with its description and specification")
class PlanDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = PlanDetailSerializer

    def get_object(self):
        plan = selectors.plan_get_on_sale(pk=self.kwargs["pk"])
        if plan is None:
            raise NotFound()
        return plan


# --------------------------------------------------------------------------- vendor


class PendingRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanRevision
        fields = [
            "name",
            "summary",
            "description",
            "specification",
            "price",
            "term_months",
            "created_at",
        ]


class VendorPlanSerializer(serializers.ModelSerializer):
    """A vendor's own plan. `status` changes only by review; send
    `"submit": true` to submit a draft (or a plan sent back) for review."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
    }

    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    subsidy_eligible = serializers.SerializerMethodField()
    pending_change = serializers.SerializerMethodField()
    submit = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "category",
            "summary",
            "description",
            "specification",
            "price",
            "term_months",
            "status",
            "review_note",
            "subsidy_eligible",
            "pending_change",
            "listed_at",
            "updated_at",
            "submit",
        ]
        read_only_fields = ["status", "review_note", "listed_at", "updated_at"]
        extra_kwargs = {
            "description": {"max_length": LONG_TEXT_MAX_LENGTH},
            "specification": {"max_length": LONG_TEXT_MAX_LENGTH},
        }

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_subsidy_eligible(self, plan) -> bool:
        # Annotated by the views' queryset (catalog.selectors.with_subsidy_flag).
        flag = getattr(plan, "subsidy_eligible", None)
        return flag if flag is not None else selectors.plan_is_subsidy_eligible(plan=plan)

    @extend_schema_field(PendingRevisionSerializer(allow_null=True))
    def get_pending_change(self, plan):
        pending = [r for r in plan.revisions.all() if r.status == PlanRevision.Status.PENDING]
        return PendingRevisionSerializer(pending[0]).data if pending else None


def _vendor_plans(request):
    return selectors.with_subsidy_flag(
        Plan.objects.filter(vendor_id=request.user.vendor_id)
        .select_related("vendor", "category")
        .prefetch_related("revisions"),
        selectors.zone_category_ids(),
    )


@extend_schema(summary="The signed-in vendor's plans (any status); POST drafts a new one")
class VendorPlanList(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated, IsVendor]
    serializer_class = VendorPlanSerializer

    def get_queryset(self):
        return _vendor_plans(self.request).order_by("-updated_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submit = data.pop("submit", False)
        # One transaction: a refused submit (409) leaves no draft behind.
        with transaction.atomic():
            plan = services.plan_create(vendor=request.user.vendor, actor=request.user, **data)
            if submit:
                plan = services.plan_submit(plan=plan, actor=request.user)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="One of the vendor's plans; PATCH edits it (a listed plan's change waits for review)"
)
class VendorPlanDetail(generics.RetrieveUpdateAPIView):
    permission_classes = [IsAuthenticated, IsVendor]
    serializer_class = VendorPlanSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        # Scoped to the user's vendor: another vendor's plan is a 404.
        return _vendor_plans(self.request)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(plan, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submit = data.pop("submit", False)
        category = data.pop("category", None)
        # One transaction: a refused submit (409) leaves the plan as it was
        # (no edit, no pending change).
        with transaction.atomic():
            if data or category is not None:
                services.plan_update(plan=plan, actor=request.user, category=category, **data)
            if submit:
                services.plan_submit(plan=plan, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)
