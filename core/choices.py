"""Choice labels for pages that print many of them (issue 13).

Model.get_FOO_display() hashes every lazy label of the field's choices on every call, and each
hash runs gettext: a queue or inbox page of 20-30 rows spent 2-3 ms of its CPU there. labels()
gives a choices class's {value: label} in the active language, worked out once per language.
"""

from functools import cache

from django.utils.translation import get_language


def labels(choices) -> dict:
    """{value: label} of a TextChoices/IntegerChoices class in the active language."""
    return _labels(choices, get_language())


@cache
def _labels(choices, language) -> dict:
    # language is part of the key only: str() below translates into the active one, which
    # labels() read.
    return {member.value: str(member.label) for member in choices}
