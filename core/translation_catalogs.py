"""One translation catalog per plural rule, as Django means to keep them (issue 13).

django.utils.translation.trans_real.TranslationCatalog.update (Django 6.1.3) is meant to merge
a catalog into the top one when their plural rules are the same, but compares the new rule's
code object with the top rule function itself, which is never equal: every app with a locale
folder gets a catalog of its own, and each gettext of a message a catalog lacks (every Chinese
source text in zh-hans) looks in all of them, twice. That was 8 catalogs and about a fifth of
the section page's CPU. install() makes update compare the two rules' code, so catalogs with
the same rule are one dict; the lookups find the same text as before, as a later catalog's
entry wins either way (it was put in front; now it overwrites).
"""

from django.utils.translation import trans_real

_django_update = trans_real.TranslationCatalog.update


def _update(self, trans):
    if trans.plural.__code__ == self._plurals[0].__code__:
        self._catalogs[0].update(trans._catalog)
    else:
        self._catalogs.insert(0, trans._catalog.copy())
        self._plurals.insert(0, trans.plural)


def install() -> None:
    """Patch TranslationCatalog.update (once) and drop the translations built before it."""
    if trans_real.TranslationCatalog.update is not _django_update:
        return
    trans_real.TranslationCatalog.update = _update
    trans_real._translations = {}
    trans_real._default = None
