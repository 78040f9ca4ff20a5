"""Data subject requests and the audit log over REST, for managers logged in to the desk.

Only session authentication is accepted here: API-token clients (shops, CRMs) never reach
a person's data across the desk.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from desk.access import is_manager
from desk.api.serializers import StrictCharField, StrictSerializer
from desk.privacy.models import DataSubjectRequest
from desk.privacy.selectors import search_audit
from desk.privacy.services.subjects import (
    InvalidSubjectQuery,
    SubjectQuery,
    SubjectUnderLegalHold,
    access_request,
    erasure_request,
    search_subject,
)

AUDIT_PAGE_SIZE = 200


class IsManager(BasePermission):
    message = gettext_lazy("Data subject requests and the audit log are for managers.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_manager(request.user)


class LegalHoldConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "legal_hold"


class SubjectSerializer(StrictSerializer):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    handle = StrictCharField(required=False, allow_blank=True, max_length=255)
    contact = serializers.IntegerField(required=False, min_value=1)
    note = StrictCharField(required=False, allow_blank=True, max_length=500)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            data["query"] = SubjectQuery.of(
                email=data.get("email", ""),
                handle=data.get("handle", ""),
                contact_id=data.get("contact"),
            )
        except InvalidSubjectQuery as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return data


class ManagerView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsManager]
    throttle_classes: list[Any] = []


def _subject_data(request: Request, source: Any) -> dict[str, Any]:
    serializer = SubjectSerializer(data=source)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SubjectSearch(ManagerView):
    @extend_schema(parameters=[SubjectSerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        data = _subject_data(request, request.query_params.dict())
        subject = search_subject(query=data["query"], actor=request.user)
        return Response(
            {
                "counts": subject.counts(),
                "contacts": list(subject.contact_ids),
                "identities": list(subject.identity_ids),
                "conversations": list(subject.conversation_ids),
            }
        )


class AccessRequests(ManagerView):
    @extend_schema(request=SubjectSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = _subject_data(request, request.data)
        _, export = access_request(
            query=data["query"],
            actor=request.user,
            via=DataSubjectRequest.Via.API,
            note=data.get("note", ""),
        )
        return Response(export)


class ErasureRequests(ManagerView):
    @extend_schema(request=SubjectSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = _subject_data(request, request.data)
        try:
            fulfilled = erasure_request(
                query=data["query"],
                actor=request.user,
                via=DataSubjectRequest.Via.API,
                note=data.get("note", ""),
            )
        except SubjectUnderLegalHold as exc:
            raise LegalHoldConflict(str(exc)) from None
        return Response(
            {
                "request": {"id": fulfilled.pk, "kind": fulfilled.kind},
                "erased": fulfilled.counts,
                "fulfilled_at": fulfilled.fulfilled_at.isoformat(),
                "fulfilled_by": fulfilled.fulfilled_by_name,
            },
            status=status.HTTP_200_OK,
        )


class AuditLog(ManagerView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        entries = search_audit(request.query_params)[:AUDIT_PAGE_SIZE]
        return Response(
            {
                "results": [
                    {
                        "at": entry.at.isoformat(),
                        "actor": entry.actor_name,
                        "action": entry.action,
                        "target_type": entry.target_type,
                        "target_id": entry.target_id,
                        "summary": entry.summary,
                    }
                    for entry in entries
                ]
            }
        )
