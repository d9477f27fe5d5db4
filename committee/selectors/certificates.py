"""Queries of certificates: who may fetch one (applicant, the committee's office; others 404)
and the public look-ups of the verification page (which tell nothing about what is missing)."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from committee.models import Certificate
from institutions import access


def _certificates():
    return Certificate.objects.select_related(
        "declaration__applicant",
        "declaration__plan__series",
        "declaration__plan__level",
        "declaration__plan__committee",
        "declaration__committee",
    )


def get_certificate_for(user, pk: int) -> Certificate:
    """The certificate, for its holder or a member of the office of its committee; 404 for
    everyone else (whether it exists is not told)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404(_("未找到该证书。"))
    office_ids = access.organization_ids_filter(user)
    try:
        return _certificates().get(
            Q(declaration__applicant=user)
            | Q(declaration__committee__office__in=office_ids)
            | Q(
                declaration__committee__isnull=True,
                declaration__plan__committee__office__in=office_ids,
            ),
            pk=pk,
        )
    except Certificate.DoesNotExist:
        raise Http404(_("未找到该证书。")) from None


def by_code(code: str) -> Certificate | None:
    if not code or len(code) > 40:
        return None
    return Certificate.objects.filter(verification_code=code).first()


def by_number_and_name(number: str, name: str) -> Certificate | None:
    if not number or not name:
        return None
    return Certificate.objects.filter(number=number, holder_name=name).first()
