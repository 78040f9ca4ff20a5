from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels.models import InboundEvent
from desk.api.auth import client_of
from desk.api.serializers import (
    InquiryCreateSerializer,
    InquiryDetailSerializer,
    InquirySerializer,
)
from desk.models import ApiClient, Inquiry
from desk.processing import ingest_stored_event
from tickets.models import Message


def _inquiries_of(client: ApiClient) -> Any:
    return Inquiry.objects.filter(client=client).select_related(
        "ticket__queue", "ticket__sla_policy__calendar"
    )


class InquiryListCreate(APIView):
    @extend_schema(
        request=InquiryCreateSerializer,
        responses={
            201: InquirySerializer,
            200: OpenApiResponse(InquirySerializer, "Already posted with this external_id"),
        },
    )
    def post(self, request: Request) -> Response:
        client = client_of(request)
        serializer = InquiryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        external_id = data.get("external_id")
        if external_id:
            existing = _inquiries_of(client).filter(external_id=external_id).first()
            if existing is not None:
                return self._answer(request, existing, status.HTTP_200_OK)
        try:
            inquiry = self._create(client, request, data)
        except IntegrityError:
            # The same external_id posted concurrently: the other request won.
            existing = _inquiries_of(client).filter(external_id=external_id).first()
            if existing is None:
                raise
            return self._answer(request, existing, status.HTTP_200_OK)
        return self._answer(request, inquiry, status.HTTP_201_CREATED)

    @staticmethod
    def _create(client: ApiClient, request: Request, data: dict[str, Any]) -> Inquiry:
        inquiry = Inquiry(client=client, external_id=data.get("external_id"))
        with transaction.atomic():
            event = InboundEvent.objects.create(
                channel=client.channel,
                source=InboundEvent.Source.API,
                delivery_id=str(inquiry.id),
                body=getattr(request.data, "raw_body", b""),
                content_type=request.content_type,
                headers={
                    "inquiry_id": str(inquiry.id),
                    "api_client": client.pk,
                    "received_at": timezone.now().isoformat(),
                },
            )
            results = ingest_stored_event(event)
            inquiry.message = results[0].message
            inquiry.ticket = results[0].ticket
            inquiry.metadata = data.get("metadata") or {}
            inquiry.save(force_insert=True)
        return inquiry

    @staticmethod
    def _answer(request: Request, inquiry: Inquiry, code: int) -> Response:
        return Response(InquirySerializer(inquiry, context={"request": request}).data, status=code)

    @extend_schema(responses=InquirySerializer(many=True))
    def get(self, request: Request) -> Response:
        inquiries = _inquiries_of(client_of(request)).order_by("-created_at")[:100]
        data = InquirySerializer(inquiries, many=True, context={"request": request}).data
        return Response({"results": data})


class InquiryDetail(APIView):
    @extend_schema(responses=InquiryDetailSerializer)
    def get(self, request: Request, inquiry_id: str) -> Response:
        inquiry = _inquiries_of(client_of(request)).filter(pk=inquiry_id).first()
        if inquiry is None:
            raise NotFound("No inquiry with this id belongs to your client.")
        inquiry.replies = Message.objects.filter(
            conversation_id=inquiry.message.conversation_id,
            direction=Message.Direction.OUTBOUND,
            delivery_state=Message.Delivery.SENT,
        ).order_by("created_at")
        return Response(InquiryDetailSerializer(inquiry, context={"request": request}).data)
