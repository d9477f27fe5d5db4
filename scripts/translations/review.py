"""English for the review chain (issue 5): queues, review page, notices, reporting."""

TRANSLATIONS: dict[str, str | tuple[str, str]] = {}
