from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from desk.models import ApiClient


class ApiClientRateThrottle(SimpleRateThrottle):
    """Each REST client has its own budget; one noisy shop cannot starve the others."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if isinstance(request.user, ApiClient):
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None
