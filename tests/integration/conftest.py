"""A real Celery worker process against Redis and PostgreSQL (CI's second pass)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _needs_real_services():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the worker tests run in CI's PostgreSQL + Redis pass")
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database, which needs PostgreSQL")


def _database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _reset_broker(app):
    """Nothing left over from an earlier test: no queued task, no unacknowledged message that
    Redis would deliver again later."""
    app.control.purge()
    import redis

    client = redis.Redis.from_url(app.conf.broker_url)
    try:
        client.delete("unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


class WorkerProcess:
    """One `celery worker` subprocess with its own node name and log file."""

    def __init__(self, app, *, env, log_path: Path, pool: str):
        self.app = app
        self.name = f"test-{uuid.uuid4().hex[:10]}@localhost"
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        pool_args = ["--pool=solo"] if pool == "solo" else [f"--pool={pool}", "--concurrency=1"]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                *pool_args,
                "-n",
                self.name,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.pid = self.process.pid

    def output(self, tail=3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def wait_until_ready(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: {self.output()}")
            if self.app.control.ping(destination=[self.name], timeout=0.5):
                return self
        raise RuntimeError(f"celery worker did not answer a ping within {timeout} s")

    def pool_children(self) -> list[int]:
        """PIDs of the prefork pool processes (Linux)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self):
        """SIGKILL: the worker gets no chance to acknowledge, reject or restore anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files under tmp_path (the workers get the same directory as MEDIA_ROOT)."""
    media_root = tmp_path / "private"
    media_root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root},
        },
    }
    return media_root


@pytest.fixture
def celery_workers(transactional_db, settings, tmp_path, private_media):
    """Start `celery worker` processes on the test database; tasks from this process go through
    Redis. ``start(env=..., pool=...)`` returns a ready WorkerProcess; all are stopped at the
    end. Private media lives under tmp_path, shared with the workers through MEDIA_ROOT."""
    _needs_real_services()
    from config.celery import app

    media_root = private_media
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    base_env.update(
        {
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SMS_BACKEND": "applicants.sms.ConsoleSMSBackend",
            "MEDIA_ROOT": str(media_root),
        }
    )
    for key in ("ATTACHMENT_CHECK_TEST_DELAY", "CELERY_BROKER_TRANSPORT_OPTIONS"):
        base_env.pop(key, None)

    _reset_broker(app)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    workers: list[WorkerProcess] = []

    def start(*, env=None, pool="solo") -> WorkerProcess:
        worker = WorkerProcess(
            app,
            env={**base_env, **(env or {})},
            log_path=tmp_path / f"celery-worker-{len(workers) + 1}.log",
            pool=pool,
        )
        workers.append(worker)
        return worker.wait_until_ready()

    try:
        yield start
    finally:
        app.conf.task_always_eager = previous
        for worker in workers:
            worker.stop()
        _reset_broker(app)


@pytest.fixture
def celery_worker_process(celery_workers):
    """One ordinary worker (solo pool)."""
    return celery_workers().process


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
