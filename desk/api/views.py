from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels.inbound import processed_inline_event
from channels.models import InboundEvent
from desk.api.auth import client_of
from desk.api.serializers import (
    InquiryCreateSerializer,
    InquiryDetailSerializer,
    InquiryListSerializer,
    InquirySerializer,
    inquiry_data,
)
from desk.ingestion.processing import ingest_stored_event
from desk.models import ApiClient, Inquiry, Scope
from tickets.models import Message, Ticket


def _inquiries_of(client: ApiClient) -> Any:
    return Inquiry.objects.filter(client=client).select_related(
        "ticket__queue", "ticket__sla_policy__calendar"
    )


class InquiryListCreate(APIView):
    required_scopes = {"GET": Scope.INQUIRIES_READ, "POST": Scope.INQUIRIES_CREATE}

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
        try:
            inquiry = self._create(client, request, data)
        except IntegrityError:
            # This external_id was posted before (or concurrently, and the other request won):
            # the unique constraint decides, so the common case costs no lookup first.
            existing = (
                _inquiries_of(client).filter(external_id=external_id).first()
                if external_id
                else None
            )
            if existing is None:
                raise
            return self._answer(request, existing, status.HTTP_200_OK)
        return self._answer(request, inquiry, status.HTTP_201_CREATED)

    @staticmethod
    def _create(client: ApiClient, request: Request, data: dict[str, Any]) -> Inquiry:
        inquiry = Inquiry(client=client, external_id=data.get("external_id"))
        received_at = timezone.now()
        with transaction.atomic():
            # Stored as processed: it commits with its ticket or not at all.
            event = processed_inline_event(
                channel=client.channel,
                source=InboundEvent.Source.API,
                delivery_id=str(inquiry.id),
                body=getattr(request.data, "raw_body", b""),
                content_type=request.content_type,
                headers={
                    "inquiry_id": str(inquiry.id),
                    "api_client": client.pk,
                    "received_at": received_at.isoformat(),
                },
                received_at=received_at,
            )
            inquiry.metadata = data.get("metadata") or {}

            def with_inquiry(message: Message, ticket: Ticket | None) -> list[Inquiry]:
                inquiry.message, inquiry.ticket = message, ticket
                return [inquiry]

            # The inquiry id is new: no message can have it yet (fresh); the inquiry row is
            # inserted in the same statement as the event, message and ticket.
            results = ingest_stored_event(event, fresh=True, extra_rows=with_inquiry)
            if inquiry.message_id is None or results[0].message is None:
                # An API inquiry always becomes a message (ApiAdapter).
                raise IntegrityError(f"inquiry {inquiry.id} made no message")
        return inquiry

    @staticmethod
    def _answer(request: Request, inquiry: Inquiry, code: int) -> Response:
        return Response(inquiry_data(inquiry, request), status=code)

    @extend_schema(operation_id="v1_inquiries_list", responses=InquiryListSerializer)
    def get(self, request: Request) -> Response:
        # The SLA state of each ticket needs its policy's targets: read for the page at once.
        inquiries = (
            _inquiries_of(client_of(request))
            .prefetch_related("ticket__sla_policy__targets")
            .order_by("-created_at")[:100]
        )
        return Response({"results": [inquiry_data(inquiry, request) for inquiry in inquiries]})


class InquiryDetail(APIView):
    required_scopes = {"GET": Scope.INQUIRIES_READ}

    @extend_schema(responses=InquiryDetailSerializer)
    def get(self, request: Request, inquiry_id: str) -> Response:
        inquiry = _inquiries_of(client_of(request)).filter(pk=inquiry_id).first()
        if inquiry is None:
            raise NotFound(_("No inquiry with this id belongs to your client."))
        inquiry.replies = Message.objects.filter(
            conversation_id=inquiry.message.conversation_id,
            direction=Message.Direction.OUTBOUND,
            delivery_state=Message.Delivery.SENT,
        ).order_by("created_at")
        return Response(InquiryDetailSerializer(inquiry, context={"request": request}).data)
