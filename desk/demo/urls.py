from django.urls import path

from desk.demo import views

# Outside demo mode the page answers 404 and nothing is mounted behind the sandbox's
# addresses (desk.demo.apps), so a production configuration has no sandbox.
urlpatterns = [path("", views.sandbox_timeline, name="sandbox")]
