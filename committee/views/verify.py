"""The public certificate check (no login): /verify/<code>/ from the QR code and a form at
/verify/ taking the certificate number and the holder's name. It says 有效 or 已撤销 with the
masked name, the title, the committee and the date; an unknown code or a wrong number and name
get the same neutral answer and status. Rate-limited per IP address through the cache: past
the limit a Chinese 429 page. The answer for a code is kept in the cache (_code_answer) and
dropped whenever the certificate changes (revoked)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committee.forms_results import VerifyForm
from committee.models import Certificate
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
    # The address's window usually exists: count on it first (the add only opens a window).
    try:
        count = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=window):
            count = 1
        else:  # opened by a parallel look-up just now
            try:
                count = cache.incr(key)
            except ValueError:  # expired in between
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


# The answer of a found code is kept an hour. A change of the certificate saved through the
# ORM (its revocation) puts a marker in its place, at once and again after the commit, for
# CHANGED_SECONDS: while the marker is there every look-up reads the database and stores
# nothing, and an answer read before the change can only be added where no key exists, so it
# never lands after the marker. Unknown codes are not kept (a later certificate never meets a
# cached "not found").
ANSWER_SECONDS = 60 * 60
CHANGED_SECONDS = 60
_CHANGED = "changed"


def _answer_key(code: str) -> str:
    return "committee:verify:answer:" + hashlib.sha256(code.encode()).hexdigest()[:40]


def _code_answer(code: str) -> dict:
    key = _answer_key(code)
    cached = cache.get(key)
    if isinstance(cached, dict):
        return cached
    answer = _answer(selectors.by_code(code))
    if answer["found"] and cached is None:
        cache.add(key, answer, ANSWER_SECONDS)
    return answer


def forget_answer(code: str) -> None:
    if code:
        cache.set(_answer_key(code), _CHANGED, CHANGED_SECONDS)


def _on_certificate_change(sender, instance, **kwargs):
    code = instance.verification_code
    forget_answer(code)
    transaction.on_commit(lambda: forget_answer(code), robust=True)


def connect() -> None:
    """Called from the committee's wiring: a revocation anywhere (views, shell, tasks) drops
    the cached answer."""
    post_save.connect(
        _on_certificate_change, sender=Certificate, dispatch_uid="committee.verify.saved"
    )
    post_delete.connect(
        _on_certificate_change, sender=Certificate, dispatch_uid="committee.verify.deleted"
    )


def verify_code(request, code: str):
    if _limited(request):
        return _too_many(request)
    answer = _code_answer(code)
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
