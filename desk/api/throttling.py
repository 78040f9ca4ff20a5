import logging
import time

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from desk.models import ApiClient

log = logging.getLogger(__name__)


class ApiClientRateThrottle(SimpleRateThrottle):
    """Each REST client has its own budget; one noisy shop cannot starve the others.

    A fixed-window counter: one atomic increment per request. DRF's sliding window keeps a
    list of every timestamp in the window and writes it back whole on each request, which at
    thousands of requests a minute costs more than the request itself.
    """

    scope = "api_client"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if isinstance(request.user, ApiClient):
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None

    def allow_request(self, request: Request, view: object) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = time.time()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        try:
            count = self._count(f"{key}:{window}")
        except Exception as exc:  # noqa: BLE001 - a cache outage must not refuse inquiries
            log.warning("throttle cache unavailable, request allowed: %s", exc)
            return True
        return count <= self.num_requests

    def _count(self, window_key: str) -> int:
        # The Redis backend (desk.config.cache) counts in one round trip.
        count_in_one_trip = getattr(cache, "incr_with_timeout", None)
        if count_in_one_trip is not None:
            return int(count_in_one_trip(window_key, timeout=self.duration + 1))
        try:
            return cache.incr(window_key)  # atomic in Redis and in the local-memory cache
        except ValueError:
            # The window's first request; add() loses only to a concurrent first request.
            if cache.add(window_key, 1, timeout=self.duration + 1):
                return 1
            return cache.incr(window_key)

    def wait(self) -> float:
        return max(self.window_ends_at - self.now, 0.0)
