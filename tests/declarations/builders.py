"""Valid section data for the engineering plan, entered through the sections' own forms."""

from declarations import services
from declarations.models import Declaration
from tests.declarations.test_query_budgets import (
    ROW_SECTIONS,
    bound,
    prefixed,
    single_values,
    store,
    stored_rows,
)


def fill_valid(declaration, unit, rows=1):
    """Save every section of the engineering plan with valid data; the unit is the declaring
    unit. Data goes through each form, so it is what a person could have saved."""
    for code, values in single_values(declaration, unit).items():
        form = bound(declaration, code, prefixed(code, values))
        assert form.is_valid(), (code, form.errors)
        store(declaration, code, form.to_data())
    for code in ROW_SECTIONS:
        store(declaration, code, {"rows": stored_rows(declaration, code, rows)})
    Declaration.objects.filter(pk=declaration.pk).update(declaring_unit=unit)
    declaration.refresh_from_db()
    assert services.missing_items(declaration) == []
    return declaration
