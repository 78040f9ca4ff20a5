"""Channel credentials are encrypted at rest with Fernet keys from the environment."""

import base64
import hashlib
import json
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    derived = base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest())
    return MultiFernet([Fernet(derived)])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CREDENTIALS_KEYS), settings.SECRET_KEY)


def encrypt(value: Any) -> str:
    return fernet().encrypt(json.dumps(value).encode()).decode()


def decrypt(token: str) -> Any:
    # A fresh object per call: callers may change what they get without touching the cache.
    return json.loads(_plaintext(token, fernet()))


@lru_cache(maxsize=1024)
def _plaintext(token: str, keys: MultiFernet) -> bytes:
    """Every webhook loads its channel; decrypting the same ciphertext once per process will do.

    Keyed by the keys too, so a settings change (tests, rotation) never serves stale plaintext.
    """
    try:
        return keys.decrypt(token.encode())
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Channel credentials cannot be decrypted: CREDENTIALS_KEYS does not hold the key "
            "they were encrypted with."
        ) from exc


if TYPE_CHECKING:
    # For the type checker the field holds what it decrypts to, not the text it stores.
    _TextStoredField = models.Field[dict[str, Any], dict[str, Any]]
else:
    _TextStoredField = models.TextField


class EncryptedJSONField(_TextStoredField):
    """A JSON value stored as a Fernet token; the database never sees the plaintext."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return {}
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict | list) or value is None:
            return value or {}
        try:
            return decrypt(value)
        except ImproperlyConfigured:
            return json.loads(value)

    def get_prep_value(self, value: Any) -> str:
        return encrypt(value or {})

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised dumps never carry secrets in clear text.
        return self.get_prep_value(self.value_from_object(obj))
