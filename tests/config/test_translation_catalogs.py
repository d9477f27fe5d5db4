"""core.translation_catalogs: catalogs with the same plural rule are one dict (Django 6.1.3 kept
one per app, and looked a missing message up in each), and every message reads as before, in
each language, with plurals and contexts."""

import pytest
from django.conf import settings
from django.utils.translation import trans_real

from core import translation_catalogs

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _build(language, update):
    """A translation of language built afresh with this TranslationCatalog.update."""
    saved = trans_real.TranslationCatalog.update
    trans_real.TranslationCatalog.update = update
    try:
        return trans_real.DjangoTranslation(language)
    finally:
        trans_real.TranslationCatalog.update = saved


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_reads_as_with_djangos_separate_catalogs(language):
    ours = _build(language, translation_catalogs._update)
    djangos = _build(language, translation_catalogs._django_update)
    # Fewer catalogs (zh-hans: one; each had its own before)...
    assert len(ours._catalog._catalogs) < len(djangos._catalog._catalogs)
    keys = set(djangos._catalog.keys())
    assert len(keys) > 500  # Django's, the apps' and the project's messages
    # ... and every message, plural form and context the same, as a missing one.
    for key in keys:
        if isinstance(key, tuple):
            msgid, _form = key
            for n in (0, 1, 2, 5):
                assert ours.ngettext(msgid, msgid, n) == djangos.ngettext(msgid, msgid, n)
        else:
            assert ours.gettext(key) == djangos.gettext(key), key
    assert ours.gettext("不在任何目录里的文字") == "不在任何目录里的文字"


def test_the_running_translations_use_one_catalog_per_plural_rule():
    translation = trans_real.translation("zh-hans")
    assert len(translation._catalog._catalogs) == 1
    # Django's own message, from the catalog merged into the project's.
    assert translation.gettext("This field is required.") == "这个字段是必须的"
