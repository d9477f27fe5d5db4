"""What apps above institutions contribute to its pages (registered in their
AppConfig.ready())."""

from core.hooks import Hook

dashboard_panels = Hook(
    "dashboard_panels",
    "fn(request, organization) -> {'template': name, **context} or None: cards on an "
    "organization's home page (review: its queue's counts).",
)
