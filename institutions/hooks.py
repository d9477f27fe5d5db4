"""What apps above institutions contribute to its pages (registered in their
AppConfig.ready())."""

from core.hooks import Hook

dashboard_panels = Hook(
    "dashboard_panels",
    "fn(request, organization) -> {'template': name, **context} or None: cards on an "
    "organization's home page (review: its queue's counts).",
)

menu_items = Hook(
    "menu_items",
    "fn(user, role, organization) -> list of (label, url): entries higher apps add to the "
    "navigation (committee: meetings, experts, results for a committee office; the expert's "
    "own pages for ROLE_EXPERT). The entries may depend on the role and the organization's "
    "kind only: access.menu_for builds each such menu once per process.",
)

home_urls = Hook(
    "home_urls",
    "fn(user, role) -> url or None: the home page of a role that a higher app serves (the "
    "expert's 评审任务); the first answer wins.",
)
