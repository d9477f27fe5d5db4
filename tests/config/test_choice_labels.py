"""core.choices.labels (issue 13): the hot rows' status labels, worked out once per language,
must say what get_FOO_display says, in the reader's language."""

from django.utils import translation

from core.choices import labels
from declarations.models import Declaration, DeclarationStatus
from review.models import ReviewState


def test_labels_match_get_display_in_each_language():
    declaration = Declaration(status=DeclarationStatus.RETURNED)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert labels(DeclarationStatus)[declaration.status] == str(
                declaration.get_status_display()
            )
    with translation.override("zh-hans"):
        chinese = labels(ReviewState)[ReviewState.PASSED]
    with translation.override("en"):
        english = labels(ReviewState)[ReviewState.PASSED]
    assert chinese != english
    assert chinese == "已通过待上报"
