from django.urls import path

from desk.access import public
from desk.security import views

urlpatterns = [
    path("login/", public(views.LoginView.as_view()), name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("admin/login/", views.admin_login, name="admin-login"),
    path("preferences/two-factor/", views.two_factor_settings, name="two-factor"),
    path("preferences/two-factor/remove/", views.two_factor_remove, name="two-factor-remove"),
]
