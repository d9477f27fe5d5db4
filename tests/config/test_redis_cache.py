"""core.cache.RedisCache (issue 13): Django's Redis backend with one redis-py client per
connection pool instead of a new one per cache call. It must still behave as a shared cache:
what one process (backend instance) stores, another reads, from several threads at once."""

import os
import threading
import uuid

import pytest

from core.cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")


@pytest.fixture
def prefix():
    prefix = f"test-redis-cache-{uuid.uuid4().hex}"
    yield prefix
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": prefix})
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def backend(prefix):
    return RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": prefix})


def test_what_one_process_stores_another_reads_and_deletes(prefix):
    first, second = backend(prefix), backend(prefix)
    first.set("session", {"user": 7}, 30)
    first.set_many({"token:a": "1", "token:b": "2"}, 30)
    assert second.get("session") == {"user": 7}
    assert second.get_many(["token:a", "token:b", "missing"]) == {"token:a": "1", "token:b": "2"}
    second.delete("session")
    assert first.get("session") is None


def test_every_call_uses_the_same_client_and_its_pool(prefix):
    cache = backend(prefix)
    client = cache._cache.get_client(write=True)
    cache.set("a", 1, 30)
    cache.get("a")
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client(write=False) is client  # one server: one pool


def test_threads_share_the_client_without_mixing_answers(prefix):
    cache = backend(prefix)
    for n in range(8):
        cache.set(f"k{n}", n, 30)
    wrong = []

    def read(n):
        for _ in range(200):
            value = cache.get(f"k{n}")
            if value != n:
                wrong.append((n, value))

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
