"""The committee stage's pages: the office's work under /committee/, the experts' under
/committee/expert/, and the public certificate check under /verify/ (no login). Each area
keeps its own URL list in committee/urls_parts/."""

from committee.urls_parts import acceptance, meetings, results

app_name = "committee"

urlpatterns = [*acceptance.urlpatterns, *meetings.urlpatterns, *results.urlpatterns]
