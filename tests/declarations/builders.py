"""Valid declarations for the tests: the values, forms and files are demo.fill's (the same
seed_demo submits for the demo applicants)."""

from declarations import services
from demo.fill import fill_declaration, upload_required_files, upload_valid

__all__ = ["fill_valid", "upload_required_files", "upload_valid"]


def fill_valid(declaration, unit, rows=1, files=True):
    """Save every section of the declaration's plan with valid data through each section's form;
    the unit is the declaring unit. Each required attachment slot gets one valid file
    (files=False: the data only)."""
    fill_declaration(declaration, unit, rows=rows, files=files)
    if files:
        assert services.missing_items(declaration) == []
    return declaration
