"""The Redis cache backend: one redis-py client per connection pool, counters in one trip."""

from typing import Any
from unittest.mock import patch

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


def test_a_counter_is_made_with_its_timeout_and_counts_in_one_round_trip() -> None:
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        skip_or_fail("the Redis cache needs REDIS_URL")
    fresh = RedisCache(settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": "cache-test"})
    fresh.delete("window")
    client = fresh._cache.get_client(write=True)
    raw_key = fresh.make_and_validate_key("window")
    sent: list[int] = []
    execute = type(client.pipeline()).execute

    def counting_execute(pipeline: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(len(pipeline.command_stack))
        return execute(pipeline, *args, **kwargs)

    with patch.object(type(client.pipeline()), "execute", counting_execute):
        counts = [fresh.incr_with_timeout("window", timeout=60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert sent == [2, 2, 2]  # SET NX EX and INCR, sent together each time
    assert 0 < client.ttl(raw_key) <= 60
    assert fresh.get("window") == 3  # an ordinary cache value to every other reader
    fresh.delete("window")
