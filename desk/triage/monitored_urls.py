"""The monitored stream (issue 17, item 4): its own URLs, included from desk/config/urls.py."""

from django.urls import path

from desk.triage.views import monitored

urlpatterns = [
    path("monitored/", monitored.monitored_stream, name="monitored-stream"),
    path(
        "monitored/<int:pk>/ticket/",
        monitored.monitored_make_ticket,
        name="monitored-make-ticket",
    ),
]
