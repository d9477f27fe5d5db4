import logging
import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from core.logging import (
    REQUEST_ID_HEADER,
    bind_request,
    loaded_user_id,
    new_request_id,
    sane_request_id,
    unbind_request,
)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the person chose another language with the header switch.

    The browser's Accept-Language is ignored on purpose: this is a Chinese government service,
    and an English-language browser on a Chinese intranet should still see the Chinese site.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


request_log = logging.getLogger("zhicheng.request")


class RequestIdMiddleware:
    """Gives each request an id (the caller's sane X-Request-ID, else a new one), keeps it in
    the log context while the request runs, echoes it in the response header and logs one
    line per request with its method, path, status, duration and user (core.logging)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        request.request_id = request_id
        tokens = bind_request(request, request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if request_log.isEnabledFor(logging.INFO):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                request_log.info(
                    "%s %s %s %sms",
                    request.method,
                    request.path,
                    response.status_code,
                    duration_ms,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                        "user_id": loaded_user_id(request),
                    },
                )
            return response
        finally:
            unbind_request(tokens)
