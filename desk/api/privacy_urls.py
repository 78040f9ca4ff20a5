from django.urls import path

from desk.api.privacy import AccessRequests, AuditLog, ErasureRequests, SubjectSearch

urlpatterns = [
    path("subjects/", SubjectSearch.as_view(), name="api-privacy-subjects"),
    path("access-requests/", AccessRequests.as_view(), name="api-privacy-access"),
    path("erasure-requests/", ErasureRequests.as_view(), name="api-privacy-erasure"),
    path("audit/", AuditLog.as_view(), name="api-privacy-audit"),
]
