"""Optional TOTP two-factor login for staff, through the login, code and preferences pages."""

import base64
import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

START = datetime.datetime(2030, 1, 15, 9, 0, 0, tzinfo=datetime.UTC)
PASSWORD = "pw-agent-123"


class Clock:
    """Moves time by whole TOTP steps, so every new code belongs to a new step."""

    def __init__(self, traveller: Any) -> None:
        self.traveller = traveller
        self.now = START

    def next_step(self) -> None:
        self.now += datetime.timedelta(seconds=30)
        self.traveller.move_to(self.now, tick=False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # The default hasher's cost is the point in production and only slowness here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(START, tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture
def agent(db: None, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("agent", password=PASSWORD)
    user.groups.add(Group.objects.get(name="agent"))
    return user


def code_for(secret: bytes) -> str:
    return f"{totp(secret):06d}"


def log_in_with_password(client: Client, username: str = "agent") -> Any:
    return client.post("/login/", {"username": username, "password": PASSWORD})


def enrol(client: Client) -> bytes:
    """Enrol an authenticator app through the preferences page; return its secret."""
    page = client.get("/preferences/two-factor/").content.decode()
    shown = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page)
    assert shown is not None
    secret = base64.b32decode(shown.group(1).replace(" ", ""))
    confirmed = client.post("/preferences/two-factor/", {"code": code_for(secret)})
    assert confirmed.status_code == 302
    return secret


@pytest.fixture
def enrolled(agent: Any, clock: Clock) -> bytes:
    client = Client()
    assert log_in_with_password(client).status_code == 302
    secret = enrol(client)
    clock.next_step()
    return secret


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_enrolment_page_shows_a_qr_code_as_an_svg_image_without_inline_code(
    agent: Any,
) -> None:
    client = Client()
    client.force_login(agent)
    page = client.get("/preferences/two-factor/").content.decode()

    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert " style=" not in page and "<style" not in page


def test_enrolment_needs_a_correct_first_code(agent: Any, clock: Clock) -> None:
    client = Client()
    client.force_login(agent)
    client.get("/preferences/two-factor/")

    response = client.post("/preferences/two-factor/", {"code": "000000"})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "Off: your password alone logs you in." in client.get("/preferences/").content.decode()


def test_the_preferences_page_says_when_two_factor_login_is_on(agent: Any, clock: Clock) -> None:
    client = Client()
    client.force_login(agent)
    enrol(client)

    page = client.get("/preferences/").content.decode()
    assert "On: logging in asks for a code from your authenticator app." in page


def test_after_enrolment_the_password_alone_does_not_log_in(enrolled: bytes) -> None:
    client = Client()
    response = log_in_with_password(client)

    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    assert not logged_in(client)
    assert client.get("/").status_code == 302


def test_password_and_current_code_log_in(enrolled: bytes) -> None:
    client = Client()
    log_in_with_password(client)

    response = client.post("/login/code/", {"code": code_for(enrolled)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in(client)
    assert client.get("/").status_code == 200


def test_the_code_step_keeps_the_page_asked_for(enrolled: bytes) -> None:
    client = Client()
    client.post("/login/", {"username": "agent", "password": PASSWORD, "next": "/preferences/"})

    response = client.post("/login/code/", {"code": code_for(enrolled)})

    assert response["Location"] == "/preferences/"


def test_a_wrong_code_is_refused_with_a_clear_error_and_no_session(enrolled: bytes) -> None:
    client = Client()
    log_in_with_password(client)
    wrong = f"{(int(code_for(enrolled)) + 1) % 1_000_000:06d}"

    response = client.post("/login/code/", {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right, or it was used already." in response.content.decode()
    assert not logged_in(client)


def test_a_code_that_is_not_six_digits_is_refused(enrolled: bytes) -> None:
    client = Client()
    log_in_with_password(client)

    response = client.post("/login/code/", {"code": "12ab"})

    assert response.status_code == 400
    assert "Enter the 6 digits your authenticator app shows." in response.content.decode()
    assert not logged_in(client)


def test_a_code_used_once_is_refused_the_second_time(enrolled: bytes) -> None:
    code = code_for(enrolled)
    first = Client()
    log_in_with_password(first)
    assert first.post("/login/code/", {"code": code}).status_code == 302

    replay = Client()
    log_in_with_password(replay)
    response = replay.post("/login/code/", {"code": code})

    assert response.status_code == 400
    assert not logged_in(replay)


def test_the_code_step_without_a_password_first_sends_back_to_the_login(enrolled: bytes) -> None:
    client = Client()
    response = client.post("/login/code/", {"code": code_for(enrolled)})

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not logged_in(client)


def test_a_pending_login_expires_after_five_minutes(enrolled: bytes, clock: Clock) -> None:
    client = Client()
    log_in_with_password(client)
    for _ in range(11):
        clock.next_step()

    response = client.post("/login/code/", {"code": code_for(enrolled)})

    assert response["Location"] == "/login/"
    assert not logged_in(client)


def test_codes_guessed_in_a_row_are_slowed_down(enrolled: bytes) -> None:
    client = Client()
    log_in_with_password(client)
    wrong = f"{(int(code_for(enrolled)) + 1) % 1_000_000:06d}"
    client.post("/login/code/", {"code": wrong})

    # No time has passed since the wrong code: even the right one must wait.
    response = client.post("/login/code/", {"code": code_for(enrolled)})

    assert response.status_code == 429
    assert "Too many wrong codes in a row." in response.content.decode()
    assert not logged_in(client)


def test_wrong_codes_count_as_failed_logins_until_the_username_is_locked(
    enrolled: bytes, clock: Clock
) -> None:
    client = Client()
    log_in_with_password(client)
    answers = []
    for _ in range(5):
        clock.next_step()  # past django-otp's growing delay, so each guess is checked
        wrong = f"{(int(code_for(enrolled)) + 1) % 1_000_000:06d}"
        answers.append(client.post("/login/code/", {"code": wrong}).status_code)
    clock.next_step()

    assert answers == [400, 400, 400, 400, 429]
    locked = log_in_with_password(client)
    assert locked.status_code == 429
    assert client.post("/login/code/", {"code": code_for(enrolled)}).status_code == 302
    assert not logged_in(client)


def test_admin_login_goes_through_the_desk_login(enrolled: bytes) -> None:
    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_two_factor_login_is_removed_with_a_current_code(enrolled: bytes, clock: Clock) -> None:
    client = Client()
    log_in_with_password(client)
    client.post("/login/code/", {"code": code_for(enrolled)})
    clock.next_step()

    refused = client.post("/preferences/two-factor/remove/", {"code": "000000"})
    assert refused.status_code == 400
    clock.next_step()
    removed = client.post("/preferences/two-factor/remove/", {"code": code_for(enrolled)})

    assert removed.status_code == 302
    client.logout()
    assert log_in_with_password(client)["Location"] == "/"
    assert logged_in(client)


def test_without_an_enrolled_app_the_password_logs_in_as_before(agent: Any) -> None:
    client = Client()
    response = log_in_with_password(client)

    assert response["Location"] == "/"
    assert logged_in(client)


@pytest.fixture
def required(settings: Any) -> None:
    settings.STAFF_REQUIRE_2FA = True


def test_when_required_staff_without_an_app_are_sent_to_enrol(agent: Any, required: None) -> None:
    client = Client()
    client.force_login(agent)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/preferences/two-factor/"
    assert client.get("/preferences/two-factor/").status_code == 200


def test_when_required_session_api_calls_are_refused_until_enrolment(
    agent: Any, required: None
) -> None:
    client = Client()
    client.force_login(agent)

    response = client.get("/api/v1/privacy/audit/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_when_required_enrolment_opens_the_staff_pages(
    agent: Any, required: None, clock: Clock
) -> None:
    client = Client()
    client.force_login(agent)
    enrol(client)

    assert client.get("/").status_code == 200


def test_when_required_an_unverified_session_of_an_enrolled_user_must_log_in_again(
    enrolled: bytes, agent: Any, required: None
) -> None:
    client = Client()
    client.force_login(agent)

    response = client.get("/preferences/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fpreferences%2F"
    assert not logged_in(client)


def test_a_password_change_voids_a_pending_login(enrolled: bytes, agent: Any) -> None:
    client = Client()
    log_in_with_password(client)
    agent.set_password("a-new-password-456")
    agent.save()

    response = client.post("/login/code/", {"code": code_for(enrolled)})

    assert response["Location"] == "/login/"
    assert not logged_in(client)


def test_an_admin_removes_a_lost_device_in_the_admin_site(
    enrolled: bytes, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    device = TOTPDevice.objects.get(user__username="agent")

    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    agent = Client()
    assert log_in_with_password(agent)["Location"] == "/"
    assert logged_in(agent)
