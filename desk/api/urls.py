from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from desk.api.views import InquiryDetail, InquiryListCreate

urlpatterns = [
    path("v1/inquiries/", InquiryListCreate.as_view(), name="api-inquiries"),
    path("v1/inquiries/<uuid:inquiry_id>/", InquiryDetail.as_view(), name="api-inquiry"),
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
