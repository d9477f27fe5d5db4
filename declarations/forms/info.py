"""Forms of declaration_info and education."""

INFO_FORMS = {}
