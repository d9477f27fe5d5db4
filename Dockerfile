# Production image: gunicorn serving config.wsgi, static files collected in and served by
# WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # gunicorn reads its worker count from WEB_CONCURRENCY.
    WEB_CONCURRENCY=3

WORKDIR /app

# The CJK TrueType font the generated PDFs embed (documents/fonts.py): WenQuanYi Zen Hei,
# GPL v2 with a font embedding exception.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
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
    && mkdir -p /app/var/private \
    && chown -R zhicheng:zhicheng /app/var/private
USER zhicheng

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*", "--timeout", "60"]
