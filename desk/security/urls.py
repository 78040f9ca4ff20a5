from django.urls import path

from desk.security import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("admin/login/", views.admin_login, name="admin-login"),
    path("preferences/two-factor/", views.two_factor_settings, name="two-factor"),
    path("preferences/two-factor/remove/", views.two_factor_remove, name="two-factor-remove"),
]
