"""Static files storage of production: WhiteNoise's compressed, hashed copies, with each file's
URL worked out once per process (the manifest is read at start-up and fixed until the next
deploy restarts the workers), since every page links the same stylesheets and scripts."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        key = (name, settings.DEBUG)
        url = self._urls.get(key)
        if url is None:
            # A name missing from the manifest raises here, every time (never remembered).
            url = self._urls[key] = super().url(name, force)
        return url
