"""The public certificate check (no login): /verify/<code>/ from the QR code and a form at
/verify/ taking the certificate number and the holder's name. It says 有效 or 已撤销 with the
masked name, the title, the committee and the date; an unknown code or a wrong number and name
get the same neutral answer and status. Rate-limited per IP address through the cache: past
the limit a Chinese 429 page."""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committee.forms_results import VerifyForm
from committee.selectors import certificates as selectors
from committee.services.certificates import mask_name

# Look-ups per IP address and window (settings may change them).
LIMIT = 30
WINDOW_SECONDS = 600


def _limited(request) -> bool:
    """Count this look-up; True once the address has used up its window."""
    limit = getattr(settings, "CERTIFICATE_VERIFY_LIMIT", LIMIT)
    window = getattr(settings, "CERTIFICATE_VERIFY_WINDOW", WINDOW_SECONDS)
    key = f"committee:verify:{request.META.get('REMOTE_ADDR', '')}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    return count > limit


def _too_many(request):
    response = render(request, "committee/verify_limited.html", status=429)
    response["Retry-After"] = str(getattr(settings, "CERTIFICATE_VERIFY_WINDOW", WINDOW_SECONDS))
    return response


def _answer(certificate) -> dict:
    if certificate is None:
        return {"found": False}
    return {
        "found": True,
        "valid": certificate.revoked_at is None,
        "masked_name": mask_name(certificate.holder_name),
        "title": certificate.title_name,
        "committee": certificate.committee_name,
        "approval_date": certificate.approval_date,
        "number": certificate.number,
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
    }


def verify_code(request, code: str):
    if _limited(request):
        return _too_many(request)
    answer = _answer(selectors.by_code(code))
    return render(request, "committee/verify_result.html", {"answer": answer, "form": VerifyForm()})


@require_http_methods(["GET", "POST"])
def verify_form(request):
    form = VerifyForm(request.POST or None)
    answer = None
    if request.method == "POST":
        if _limited(request):
            return _too_many(request)
        if form.is_valid():
            answer = _answer(
                selectors.by_number_and_name(form.cleaned_data["number"], form.cleaned_data["name"])
            )
    return render(
        request,
        "committee/verify_form.html",
        {"form": form, "answer": answer, "title": _("电子证书查验")},
    )
