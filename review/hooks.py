"""What apps above review contribute to its pages (registered in their AppConfig.ready())."""

from core.hooks import Hook

queue_row_links = Hook(
    "queue_row_links",
    "fn(request, organization, declaration_ids) -> {declaration_id: [{'label', 'url', "
    "'testid'}]}: extra links in the rows of a queue page (documents: the committee office's "
    "expert packet). Called once per page with the ids of its rows, so it costs no query per "
    "row.",
)


def row_links(request, organization, declaration_ids) -> dict[int, list[dict]]:
    """Every registered app's links for these rows, merged by declaration id."""
    merged: dict[int, list[dict]] = {}
    for links in queue_row_links.results(request, organization, declaration_ids):
        for declaration_id, items in (links or {}).items():
            merged.setdefault(declaration_id, []).extend(items)
    return merged
