from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from desk.api.sla import CalendarDetail, CalendarList, SlaPolicyDetail, SlaPolicyList
from desk.api.views import InquiryDetail, InquiryListCreate

urlpatterns = [
    path("v1/inquiries/", InquiryListCreate.as_view(), name="api-inquiries"),
    path("v1/inquiries/<uuid:inquiry_id>/", InquiryDetail.as_view(), name="api-inquiry"),
    path("v1/calendars/", CalendarList.as_view(), name="api-calendars"),
    path("v1/calendars/<int:pk>/", CalendarDetail.as_view(), name="api-calendar"),
    path("v1/sla-policies/", SlaPolicyList.as_view(), name="api-sla-policies"),
    path("v1/sla-policies/<int:pk>/", SlaPolicyDetail.as_view(), name="api-sla-policy"),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="api-schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", authentication_classes=[], permission_classes=[]
        ),
        name="api-docs",
    ),
]
