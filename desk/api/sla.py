"""Read-only SLA configuration for API clients, and the SLA state of their tickets."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from desk.models import Scope
from desk.sla.models import Calendar, SlaPolicy


class SlaStatusSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["on_track", "at_risk", "breached", "met", "paused", "not_applicable"]
    )
    target = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    business_seconds_left = serializers.IntegerField(allow_null=True)

    def to_representation(self, instance: Any) -> Any:
        return super().to_representation(instance.as_dict())


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    every_year = serializers.BooleanField()
    opens = serializers.CharField()
    closes = serializers.CharField()
    name = serializers.CharField()


class CalendarSerializer(serializers.ModelSerializer):
    days = CalendarDaySerializer(many=True, read_only=True)

    class Meta:
        model = Calendar
        fields = [
            "id",
            "name",
            "timezone",
            "weekly_hours",
            "holiday_country",
            "holiday_subdivision",
            "days",
            "updated_at",
        ]


class SlaTargetSerializer(serializers.Serializer):
    priority = serializers.IntegerField()
    first_response_minutes = serializers.IntegerField()
    next_response_minutes = serializers.IntegerField()
    resolution_minutes = serializers.IntegerField(allow_null=True)


class SlaPolicySerializer(serializers.ModelSerializer):
    queue = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    channel = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    targets = SlaTargetSerializer(many=True, read_only=True)

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "calendar",
            "queue",
            "channel",
            "is_active",
            "first_response_minutes",
            "next_response_minutes",
            "follow_up_minutes",
            "resolution_minutes",
            "warning_percent",
            "warning_minutes_left",
            "targets",
            "updated_at",
        ]


class CalendarList(APIView):
    required_scopes = {"GET": Scope.SLA_READ}

    @extend_schema(
        operation_id="v1_calendars_list",
        responses=inline_serializer("CalendarList", {"results": CalendarSerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        calendars = Calendar.objects.prefetch_related("days")
        return Response({"results": CalendarSerializer(calendars, many=True).data})


class CalendarDetail(generics.RetrieveAPIView):
    required_scopes = {"GET": Scope.SLA_READ}
    serializer_class = CalendarSerializer

    def get_queryset(self) -> QuerySet[Calendar]:
        return Calendar.objects.prefetch_related("days")


class SlaPolicyList(APIView):
    required_scopes = {"GET": Scope.SLA_READ}

    @extend_schema(
        operation_id="v1_sla_policies_list",
        responses=inline_serializer("SlaPolicyList", {"results": SlaPolicySerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        policies = SlaPolicy.objects.select_related("queue", "channel").prefetch_related("targets")
        return Response({"results": SlaPolicySerializer(policies, many=True).data})


class SlaPolicyDetail(generics.RetrieveAPIView):
    required_scopes = {"GET": Scope.SLA_READ}
    serializer_class = SlaPolicySerializer

    def get_queryset(self) -> QuerySet[SlaPolicy]:
        return SlaPolicy.objects.select_related("queue", "channel").prefetch_related("targets")
