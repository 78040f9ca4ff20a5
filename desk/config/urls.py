from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from channels.views import channel_webhook
from desk.access import public
from desk.ops import health
from desk.webform.views import webform

handler404 = "desk.ops.errors.not_found"
handler500 = "desk.ops.errors.server_error"

urlpatterns = [
    path("-/ping", health.ping, name="ping"),
    path("-/health", health.health, name="health"),
    path("-/metrics", health.prometheus_metrics, name="metrics"),
    # Machines first: webhooks and REST clients come by the thousand under a spike, and the
    # resolver tries patterns in order.
    path("hooks/<str:token>/", channel_webhook, name="channel-webhook"),
    path("api/", include("desk.api.urls")),
    path("form/<str:token>/", webform, name="webform"),
    # The triage desk: inbox, tickets, composer, approvals, preferences.
    path("channels/connect/", include("desk.connect.urls")),
    path("", include("desk.triage.urls")),
    path("", include("desk.triage.monitored_urls")),
    # Login (with the two-factor code step), and two-factor enrolment under preferences.
    path("", include("desk.security.urls")),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("sla/", include("desk.sla.urls")),
    path("api/v1/privacy/", include("desk.api.privacy_urls")),
    path("privacy/", include("desk.privacy.urls")),
    path("desk/", include("desk.classification.urls")),
    path("dashboards/", include("desk.dashboards.urls")),
    path("notifications/", include("desk.notifications.urls")),
    path("api/v1/metrics/", include("desk.api.metrics_urls")),
    path("sandbox/", include("desk.demo.urls")),
    path("admin/", admin.site.urls),
]
