from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from channels.views import channel_webhook
from desk.views import health, staff

handler500 = "desk.views.errors.server_error"

urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("-/ping", health.ping, name="ping"),
    path("-/health", health.health, name="health"),
    path("-/metrics", health.prometheus_metrics, name="metrics"),
    path("tickets/<int:pk>/", staff.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", staff.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/note/", staff.ticket_note, name="ticket-note"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("hooks/<str:token>/", channel_webhook, name="channel-webhook"),
    path("api/", include("desk.api.urls")),
    path("admin/", admin.site.urls),
]
