"""Forms of achievements."""

ACHIEVEMENT_FORMS = {}
