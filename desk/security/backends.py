from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginAttemptsBackend(AxesStandaloneBackend):
    """Refuses logins for a username and address after too many failures (django-axes).

    Axes needs the request to know the address. A login without one is programmatic (a test
    client, a shell), not a brute-force attempt over HTTP: the password backend alone decides.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
