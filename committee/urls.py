"""The committee stage's pages: the office's work under /committee/, the experts' under
/committee/expert/, and the public certificate check under /verify/ (no login)."""

from django.urls import path  # noqa: F401

app_name = "committee"

urlpatterns = [
    # acceptance and fees (committee/views/acceptance.py, fees.py)
    # experts, meetings, draw, votes (committee/views/experts.py, meetings.py, voting.py)
    # results notice, certificates, verification (committee/views/results.py, certificates.py,
    # verify.py)
]
