"""makemessages that also extracts the project's ``_l`` alias.

Forms import ``gettext_lazy as _l`` (``_`` is the eager gettext there). xgettext only knows
the names Django passes it, so without this those labels and help texts never reach the
catalog and stay Chinese in the English interface.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
