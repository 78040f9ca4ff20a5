from django.urls import path

from desk.dashboards import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drilldown/", views.drilldown, name="dashboard-drilldown"),
    path("drilldown.csv", views.drilldown_csv, name="dashboard-drilldown-csv"),
    path("export/<slug:slug>.csv", views.table_csv, name="dashboard-table-csv"),
]
