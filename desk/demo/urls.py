from django.urls import path

from desk.demo import views

urlpatterns = [path("", views.sandbox_timeline, name="sandbox")]
