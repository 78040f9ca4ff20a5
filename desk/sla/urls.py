from django.urls import path

from desk.sla import views

urlpatterns = [
    path("", views.sla_settings, name="sla-settings"),
    path("calendars/<int:pk>/", views.edit_calendar, name="sla-calendar"),
    path("calendars/<int:pk>/days/", views.add_calendar_day, name="sla-calendar-day"),
    path(
        "calendars/<int:pk>/days/<int:day_pk>/delete/",
        views.remove_calendar_day,
        name="sla-calendar-day-delete",
    ),
    path("policies/<int:pk>/", views.edit_policy, name="sla-policy"),
]
