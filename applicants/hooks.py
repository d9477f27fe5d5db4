"""What apps above applicants contribute to its pages (registered in their AppConfig.ready())."""

from django.urls import reverse

from core.hooks import Hook

home_url = Hook(
    "home_url",
    "fn(user) -> url or None: where the user lands after signing in (the first answer wins).",
)
dashboard_panels = Hook(
    "dashboard_panels",
    "fn(request) -> {'template': name, **context} or None: cards on the applicant's home page.",
)


def home_url_for(user) -> str:
    for url in home_url.results(user):
        if url:
            return url
    return reverse("applicants:profile")
