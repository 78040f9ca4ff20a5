"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django builds a new `redis.Redis` for every cache operation; its constructor alone (a table of
some 170 response callbacks) costs twice a GET's round trip on localhost, and an API request
makes two cache calls (the configuration version and the rate limit). A client holds no
connection of its own, only its pool, so one per pool serves every thread of the process.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # its private helpers are not in django-stubs
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both build one; either serves.
            client = self._clients[id(pool)] = django_client._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient

    def incr_with_timeout(self, key: str, *, timeout: int) -> int:
        """Add one to the counter `key`, made with this timeout (seconds) if missing; the new
        count. One round trip, where `incr` (EXISTS, then INCRBY) and its fallback `add` take
        two or three; atomic for concurrent callers like `incr`."""
        raw_key = self.make_and_validate_key(key)
        client = self._cache.get_client(raw_key, write=True)
        pipeline = client.pipeline(transaction=False)
        pipeline.set(raw_key, 0, ex=timeout, nx=True)
        pipeline.incr(raw_key)
        _created, count = pipeline.execute()
        return int(count)
