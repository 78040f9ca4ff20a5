from django.urls import path

from desk.connect import views

urlpatterns = [
    path("", views.connect_index, name="connect-index"),
    path("review/", views.connect_review, name="connect-review"),
    path("bluesky/", views.connect_bluesky, name="connect-bluesky"),
    path("<int:pk>/remove/", views.connect_remove, name="connect-remove"),
    path("<str:kind>/start/", views.connect_start, name="connect-start"),
    path("callback/<str:kind>/", views.connect_callback, name="connect-callback"),
]
