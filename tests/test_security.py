"""Production security: headers, cookies, CSP, deploy checks, login brute-force protection."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": "prod-like-" + "k3y" * 20,
    "DEBUG": "0",
    "ALLOWED_HOSTS": "desk.example.com",
    "PUBLIC_BASE_URL": "https://desk.example.com",
    "CREDENTIALS_KEYS": "ZmVybmV0LWtleS1mb3ItdGhlLWRlcGxveS1jaGVjaw==",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_production_settings_pass_the_deploy_check() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_pages_carry_a_strict_content_security_policy(db: None) -> None:
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/login/", "/api/docs/"])
def test_pages_have_no_inline_scripts_or_styles(db: None, path: str) -> None:
    html = Client().get(path).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_session_and_csrf_cookies_are_http_only(db: None, django_user_model: Any) -> None:
    django_user_model.objects.create_user("agent", password="pw-agent-123")
    client = Client()
    page = client.get("/login/")
    assert page.cookies["csrftoken"]["httponly"]
    response = client.post(
        "/login/",
        {
            "username": "agent",
            "password": "pw-agent-123",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_secure_cookies_and_hsts_follow_the_https_switch() -> None:
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS)",
        ],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "desk.config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.split() == ["True", "True", "True", "31536000"], shown.stderr
    demo = subprocess.run(
        [sys.executable, "-c", shown.args[2]],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "desk.config.settings", "PUBLIC_BASE_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert demo.stdout.split() == ["False", "False", "False", "0"], demo.stderr


def test_a_username_is_locked_at_the_fifth_wrong_password(db: None, django_user_model: Any) -> None:
    django_user_model.objects.create_user("agent", password="pw-agent-123")
    client = Client()
    answers = [
        client.post("/login/", {"username": "agent", "password": "guess"}).status_code
        for _ in range(5)
    ]
    locked = client.post("/login/", {"username": "agent", "password": "pw-agent-123"})

    assert answers == [200, 200, 200, 200, 429]  # the form with its error, then the lockout
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
