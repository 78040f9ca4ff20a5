"""The Redis cache backend keeps one redis-py client per connection pool."""

from django.conf import settings
from django.core.cache import cache

from desk.config.cache import RedisCache
from tests.conftest import skip_or_fail


def test_cache_calls_share_one_client_and_still_count_atomically() -> None:
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        skip_or_fail("the Redis cache needs REDIS_URL")
    fresh = RedisCache(settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": "cache-test"})
    fresh.delete("hits")

    fresh.add("hits", 1)
    assert [fresh.incr("hits") for _ in range(3)] == [2, 3, 4]

    client = fresh._cache.get_client(write=True)
    assert fresh._cache.get_client(write=True) is client
    assert fresh._cache.get_client() is client  # one server: reads use the same pool
    assert cache.get("hits") is None  # another prefix, the site's own keys untouched
    fresh.delete("hits")
