from django.urls import path

from channels.platforms import views

urlpatterns = [
    path("channels/", views.channel_health, name="channel-health"),
    path(
        "tickets/<int:pk>/messages/<int:message_pk>/hide/",
        views.message_hide,
        name="message-hide",
    ),
    path(
        "tickets/<int:pk>/messages/<int:message_pk>/private-reply/",
        views.message_private_reply,
        name="message-private-reply",
    ),
]
