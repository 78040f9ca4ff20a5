from django.conf import settings
from django.urls import path

from desk.demo import views

# Outside demo mode the sandbox has no address at all.
urlpatterns = [path("", views.sandbox_timeline, name="sandbox")] if settings.DEMO_MODE else []
