"""The Redis cache backend with one redis-py client per connection pool.

Django's RedisCacheClient builds a new redis.Redis for every cache call; its constructor
(the response-callback table) cost about as much CPU as the call's round trip, and a signed-in
page makes 4-7 cache calls (issue 13's profile of the queue page: 6 clients a request). A
redis.Redis is thread-safe and takes its connections from the pool, which handles forks, so
one client per pool serves every call.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
