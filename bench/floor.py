"""The floor: a bare Django project (no middleware, no database, no apps, one URL returning a
short HttpResponse), served by gunicorn beside the platform in the same run, so each page's
req/s is compared with what Django itself costs on this machine.

    gunicorn bench.floor -w 3
"""

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_I18N=False,
    )

import django
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def floor(request):
    return HttpResponse(b"floor", content_type="text/plain")


urlpatterns = [path("", floor)]

django.setup(set_prefix=False)
application = get_wsgi_application()
