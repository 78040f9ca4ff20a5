"""Optional TOTP two-factor login for staff (django-otp).

A staff member enrols one authenticator app; from then on the password alone does not log
them in. The password step leaves a *pending* login in the session, and only a current code
from the app turns it into a real one. Wrong codes count as failed logins for django-axes
(which locks the username for the address) and slow the device down (django-otp's
throttling), so neither step can be guessed at speed.
"""

from __future__ import annotations

import base64
import io
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_SESSION_KEY = "desk_two_factor_pending"
# Long enough to open the app and type a code, short enough that an abandoned half-login in
# a shared browser does not wait for the next person.
PENDING_SECONDS = 300
DEVICE_NAME = "Authenticator app"


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"  # wrong, expired or already used
    THROTTLED = "throttled"  # too many wrong codes in a row: wait before the next try
    LOCKED_OUT = "locked_out"  # django-axes: too many failed logins for this user here


@dataclass(frozen=True)
class PendingLogin:
    user: Any
    backend: str
    next_url: str


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Enrolment -------------------------------------------------------------------------------


def enrolment_device(*, user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same secret until it is confirmed, so a
    reload of the page does not invalidate the code the app was just given."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_enrolment(*, request: HttpRequest, device: TOTPDevice, code: str) -> CodeCheck:
    """Turn two-factor login on once the app shows a code that matches the new secret."""
    check = _verify(user=request.user, device=device, code=code)
    if check is not CodeCheck.ACCEPTED:
        return check
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    otp_login(request, device)
    return check


def remove_two_factor(*, request: HttpRequest, code: str) -> CodeCheck:
    """Turn two-factor login off; a current code proves it is the owner, not a borrowed
    session."""
    device = confirmed_device(request.user)
    if device is None:
        return CodeCheck.ACCEPTED
    check = _verify(user=request.user, device=device, code=code)
    if check is CodeCheck.ACCEPTED:
        TOTPDevice.objects.filter(user=request.user).delete()
    return check


def secret_for_manual_entry(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG image in a data: URI: no inline script or style,
    so the page keeps its strict Content-Security-Policy."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# Login -----------------------------------------------------------------------------------


def begin_pending_login(*, request: HttpRequest, user: Any, next_url: str) -> None:
    """The password was right; remember who is halfway in, without logging them in."""
    request.session[PENDING_SESSION_KEY] = {
        "user_id": str(user.pk),
        "backend": user.backend,
        "next": next_url,
        "started": time.time(),
        # A password change since the first step (or on another device) voids it.
        "auth_hash": user.get_session_auth_hash(),
    }


def pending_login(request: HttpRequest) -> PendingLogin | None:
    stored = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    user_id = stored.get("user_id")
    if not isinstance(user_id, int | str):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    fresh = time.time() - float(stored.get("started", 0)) < PENDING_SECONDS
    if user is None or not fresh or user.get_session_auth_hash() != stored.get("auth_hash"):
        discard_pending_login(request)
        return None
    return PendingLogin(user=user, backend=stored["backend"], next_url=stored["next"])


def discard_pending_login(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def complete_login(*, request: HttpRequest, pending: PendingLogin, code: str) -> CodeCheck:
    """Check the second factor of a pending login and, if it holds, log the user in."""
    credentials = {"username": pending.user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        discard_pending_login(request)
        return CodeCheck.LOCKED_OUT
    device = confirmed_device(pending.user)
    if device is None:  # removed meanwhile (by an admin): the password step decides again
        discard_pending_login(request)
        return CodeCheck.REFUSED
    check = _verify(user=pending.user, device=device, code=code)
    if check is CodeCheck.REFUSED:
        # django-axes counts it with the wrong passwords, and may lock the username out.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            discard_pending_login(request)
            return CodeCheck.LOCKED_OUT
    if check is not CodeCheck.ACCEPTED:
        return check
    discard_pending_login(request)
    # django-otp's user_logged_in receiver marks the session as verified with this device.
    pending.user.otp_device = device
    login(request, pending.user, backend=pending.backend)
    return check


def _verify(*, user: Any, device: TOTPDevice, code: str) -> CodeCheck:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    # Under a row lock: the same code sent twice at once is accepted once (django-otp keeps
    # the last used time step, so a code is never accepted again).
    verified = verify_token(user, device.persistent_id, code)
    return CodeCheck.ACCEPTED if verified is not None else CodeCheck.REFUSED
