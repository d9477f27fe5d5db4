"""makemessages that also extracts the project's ``_l`` alias, and merges without fuzzy guesses.

Forms import ``gettext_lazy as _l`` (``_`` is the eager gettext there). xgettext only knows
the names Django passes it, so without this those labels and help texts never reach the
catalog and stay Chinese in the English interface.

The English catalog (locale/en/LC_MESSAGES/django.po) is where the translations live: msgmerge
keeps every existing msgstr, and a new or changed msgid comes in untranslated rather than with
the English of a similar string marked fuzzy (which `make messages` would have to undo).
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
