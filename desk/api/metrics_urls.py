from django.urls import path

from desk.api.metrics import MetricsIndex, MetricsTable

urlpatterns = [
    path("", MetricsIndex.as_view(), name="api-metrics"),
    path("<slug:slug>/", MetricsTable.as_view(), name="api-metrics-table"),
]
