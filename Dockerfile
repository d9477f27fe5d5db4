# Production images (docker-compose.yml builds both from this file):
#   app (the default target): gunicorn serving config.wsgi, static files collected at build time
#       (WhiteNoise can serve them, nginx does); the same image runs the Celery worker and beat.
#   nginx: the front, with the static files of the same build under /srv/static.
# Bookworm pinned: its postgresql-client (15) matches compose's postgres:15 for `manage.py backup`.
FROM python:3.12-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # gunicorn reads its worker count from WEB_CONCURRENCY.
    WEB_CONCURRENCY=3

WORKDIR /app

# The CJK TrueType font the generated PDFs embed (documents/fonts.py): WenQuanYi Zen Hei,
# GPL v2 with a font embedding exception; pg_dump/pg_restore for `manage.py backup`/`restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-zenhei postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them. pyproject.toml lists no
# packages to install: `pip install .` installs the dependencies, the code is copied below.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Hashed, compressed static files for WhiteNoise. Settings refuse DEBUG off without a secret
# key; this build-time value is used for nothing else and never reaches the running container.
RUN DEBUG=false SECRET_KEY=build-time-dummy-key-not-used-at-runtime \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home zhicheng \
    && mkdir -p /app/var/private /app/var/backups \
    && chown -R zhicheng:zhicheng /app/var/private /app/var/backups
USER zhicheng

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*", "--timeout", "60"]

# The front: nginx with this build's collected static files (hashed names, cached a year), its
# server block from deploy/nginx/zhicheng.conf (docker-compose.yml mounts the file over this copy,
# so a configuration change needs no rebuild).
FROM nginx:1.27-alpine AS nginx
COPY --from=app /app/var/staticfiles /srv/static
COPY deploy/nginx/zhicheng.conf /etc/nginx/conf.d/default.conf

# `docker build .` without --target gives the application image.
FROM app
