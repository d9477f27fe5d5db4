"""Private files (uploads, generated PDFs) handed out after the view's permission check.

The view decides who may have the file; this module decides who carries the bytes:

- ``PRIVATE_FILES_ACCEL`` off (development, tests, ``make run``): Django streams the file
  (FileResponse), as a single process without a web server in front must.
- On, files on local disk (FileSystemStorage): an empty response with
  ``X-Accel-Redirect: <PRIVATE_FILES_ACCEL_PREFIX><name>``; nginx serves the file from its
  ``internal`` location (deploy/nginx/zhicheng.conf), which no client can request directly.
- On, files in S3 (django-storages): a 302 to a signed URL that expires after
  ``PRIVATE_FILES_URL_SECONDS``, with the content type and file name the view chose signed into
  it (``response-content-type`` / ``response-content-disposition``). ``PRIVATE_FILES_S3_PUBLIC_URL``
  replaces the storage endpoint's origin in that URL when the endpoint is not reachable from
  browsers (MinIO inside docker compose, proxied by nginx under that prefix).

Either way no worker process of gunicorn is held by a slow download. Raises FileNotFoundError
when the file is missing (local disk; S3 is not asked, to keep the redirect free of a round
trip), so the view answers with its own 404 page.
"""

import os
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

try:  # django-storages is a dependency, but core must not fail to import without it
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover
    S3Storage = None


def private_file_response(file: FieldFile, *, content_type: str, disposition: str):
    """The response that delivers ``file`` (a stored FileField/ImageField value) with the
    given Content-Type and Content-Disposition. Call only after the permission check."""
    storage, name = file.storage, file.name
    if getattr(settings, "PRIVATE_FILES_ACCEL", False):
        if S3Storage is not None and isinstance(storage, S3Storage):
            return _signed_redirect(storage, name, content_type, disposition)
        if isinstance(storage, FileSystemStorage):
            return _accel_redirect(storage, name, content_type, disposition)
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


def _accel_redirect(storage, name, content_type, disposition):
    # storage.path refuses names that leave the storage's directory (SuspiciousFileOperation).
    if not os.path.isfile(storage.path(name)):
        raise FileNotFoundError(name)
    prefix = settings.PRIVATE_FILES_ACCEL_PREFIX.rstrip("/") + "/"
    response = HttpResponse(b"", content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Accel-Redirect"] = prefix + quote(name, safe="/")
    return response


def _signed_redirect(storage, name, content_type, disposition):
    url = storage.url(
        name,
        parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
        },
        expire=settings.PRIVATE_FILES_URL_SECONDS,
    )
    public = getattr(settings, "PRIVATE_FILES_S3_PUBLIC_URL", "")
    if public:
        parts = urlsplit(url)
        url = public.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    return HttpResponseRedirect(url)
