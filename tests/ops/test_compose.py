"""docker-compose.yml has the production shape (no Docker daemon here: the file is parsed and
its services and key settings checked, and the application's settings are built from the
environment it gives the containers)."""

import re
import runpy
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (pip install -e '.[dev]')")

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat", "migrate")
SECRETS = {
    "SECRET_KEY": "compose-test-secret-key-" + "x" * 40,
    "POSTGRES_PASSWORD": "pg-password",
    "MINIO_ROOT_PASSWORD": "minio-password",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def interpolate(value: str, variables: dict) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default} and ${VAR:?error} with `variables`
    as the .env file."""

    def one(match):
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        if op == ":?":
            assert variables.get(name), f"{name} is required: {arg}"
            return variables[name]
        if op == ":-":
            return variables.get(name) or arg
        if op == "-":
            return variables.get(name, arg)
        return variables.get(name, "")

    return re.sub(r"\$\{(\w+)(?:(:-|-|:\?)([^}]*))?\}", one, value)


def test_the_services_of_the_production_stack(services):
    assert set(services) == {
        "nginx",
        "web",
        "worker",
        "beat",
        "postgres",
        "redis",
        "minio",
        "migrate",
        "createbucket",
    }
    # Only nginx is published; web replicas are reached through it.
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    assert services["web"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 1
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["minio"]["image"].startswith("minio/minio")


def test_beat_always_runs_and_exactly_once(services):
    beat = services["beat"]
    assert "profiles" not in beat
    assert beat["deploy"]["replicas"] == 1
    assert beat["command"][:4] == ["celery", "-A", "config", "beat"]
    assert beat["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]


def test_nginx_serves_the_repository_config_and_this_builds_static_files(services):
    nginx = services["nginx"]
    assert nginx["build"]["target"] == "nginx"
    assert "./deploy/nginx/zhicheng.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    config = (ROOT / "deploy" / "nginx" / "zhicheng.conf").read_text()
    assert "server web:8000;" in config and "proxy_pass http://minio:9000/;" in config

    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)$", dockerfile, flags=re.MULTILINE)
    assert stages == ["app", "nginx"]
    assert "COPY --from=app /app/var/staticfiles /srv/static" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    for name in APP_SERVICES:
        assert services[name]["build"]["target"] == "app", name
    assert dockerfile.rstrip().endswith("FROM app")  # plain `docker build .` = the app image
    # `manage.py backup` runs in the app image: its pg_dump (Debian bookworm's client, 15) is
    # of the server's major version.
    assert "FROM python:3.12-slim-bookworm AS app" in dockerfile
    assert "postgresql-client" in dockerfile
    assert services["postgres"]["image"] == "postgres:15"
    # The nginx stage copies its config from the build context.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not any(pattern.startswith("deploy") for pattern in ignored)


def test_web_is_checked_through_healthz_and_starts_after_migrations(services):
    web = services["web"]
    assert "ports" not in web
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert web["depends_on"]["createbucket"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_the_app_containers_keep_no_local_state(services, monkeypatch):
    """The settings each replica builds from the environment compose gives it: sessions and
    cache in Redis, files in the bucket, delivered by signed URL through nginx's /_s3/."""
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert all(env == environments[0] for env in environments)
    environment = {key: interpolate(str(value), SECRETS) for key, value in environments[0].items()}
    assert environment["DEBUG"] == "false"
    assert environment["PRIVATE_FILES_ACCEL"] == "true"
    assert environment["PRIVATE_FILES_S3_PUBLIC_URL"] == "/_s3"

    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    for key in ("PYTEST_XDIST_WORKER", "MEDIA_ROOT", "CELERY_TASK_ALWAYS_EAGER"):
        monkeypatch.delenv(key, raising=False)
    built = runpy.run_path(str(ROOT / "config" / "settings.py"))

    assert built["DEBUG"] is False
    assert built["DATABASES"]["default"]["HOST"] == "postgres"
    assert built["CACHES"]["default"]["BACKEND"] == "core.cache.RedisCache"
    assert built["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert built["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert built["STORAGES"]["default"]["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert built["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert built["CELERY_TASK_ALWAYS_EAGER"] is False
    assert built["PRIVATE_FILES_ACCEL"] is True
    assert built["PRIVATE_FILES_S3_PUBLIC_URL"] == "/_s3"
    config = (ROOT / "deploy" / "nginx" / "zhicheng.conf").read_text()
    assert "location /_s3/ {" in config


def test_secrets_come_from_the_env_file(compose, services):
    text = (ROOT / "docker-compose.yml").read_text()
    for name in SECRETS:
        assert "${" + name + ":?" in text, name
    with pytest.raises(AssertionError, match="SECRET_KEY is required"):
        interpolate(services["web"]["environment"]["SECRET_KEY"], {})
