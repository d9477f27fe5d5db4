"""电子证书: issued for confirmed results, with a number unique per committee and year
("<committee pk>-<year>-<5-digit sequence>", allocated under the committee row's lock so two
confirmations at once never take the same number) and an unguessable verification code (in the
QR code and the public /verify/<code>/ address). The PDF is drawn on demand by
documents.certificate_pdf from a plain CertificateData."""

import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.models import Attachment
from committee.models import Certificate, ResultsNotice
from committee.selectors.results import declared_title, declared_titles
from declarations import workflow
from declarations.models import Declaration
from declarations.workflow import DeclarationStatus as S
from documents.certificate_pdf import CertificateData, render_certificate
from institutions.audit import record_audit
from institutions.models import AuditAction, Committee

logger = logging.getLogger(__name__)


def mask_id_number(value: str) -> str:
    """3707**********4682: the first four and last four characters kept."""
    value = (value or "").strip()
    if len(value) <= 8:
        return value[:1] + "*" * max(len(value) - 1, 0)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(value: str) -> str:
    """张*, 欧阳** : the surname's first character kept."""
    value = (value or "").strip()
    return value[:1] + "*" * max(len(value) - 1, 1) if value else ""


def _prefix(committee_id: int, year: int) -> str:
    return f"{committee_id}-{year}-"


def _next_sequence(committee_id: int, year: int) -> int:
    """The next sequence of the committee's year; the caller holds the committee row's lock."""
    prefix = _prefix(committee_id, year)
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last.rsplit("-", 1)[1]) + 1 if last else 1


def _certificate(declaration, committee, number, title, notice, approved_on) -> Certificate:
    return Certificate(
        declaration=declaration,
        number=number,
        verification_code=secrets.token_urlsafe(24),
        holder_name=declaration.applicant.name,
        title_name=title,
        committee_name=committee.name,
        approval_date=approved_on,
        approval_document_number=notice.approval_document_number,
    )


@transaction.atomic
def issue_certificate(*, declaration_id: int, notice: ResultsNotice, actor=None) -> Certificate:
    """Issue the certificate of one confirmed declaration (idempotent: an existing one is
    returned)."""
    declaration = workflow.lock(declaration_id)
    existing = Certificate.objects.filter(declaration_id=declaration.pk).first()
    if existing is not None:
        return existing
    if declaration.status != S.CONFIRMED:
        raise ValidationError(_("评审结果尚未确认，不能发放证书。"))
    committee_id = declaration.committee_id or declaration.plan.committee_id
    # The committee row's lock serialises the numbering of its certificates.
    committee = Committee.objects.select_for_update().get(pk=committee_id)
    approved_on = timezone.localdate(notice.confirmed_at or timezone.now())
    sequence = _next_sequence(committee.pk, approved_on.year)
    number = f"{_prefix(committee.pk, approved_on.year)}{sequence:05d}"
    certificate = _certificate(
        declaration, committee, number, declared_title(declaration), notice, approved_on
    )
    certificate.save()
    record_audit(
        actor=actor,
        action=AuditAction.CERTIFICATE_ISSUED,
        obj=certificate,
        organization=committee.office,
        declaration_id=declaration.pk,
        results_notice_id=notice.pk,
    )
    return certificate


@transaction.atomic
def issue_for_notice(*, notice_id: int, actor=None) -> list[Certificate]:
    """The certificates of every confirmed person of a notice who has none yet, in a few
    queries whatever their number: the declarations are locked (pk order), then each
    committee's row, whose lock serialises its numbering; one audit entry per committee lists
    the numbers issued."""
    notice = ResultsNotice.objects.get(pk=notice_id)
    ids = list(
        Declaration.objects.select_for_update(of=("self",))
        .filter(
            pk__in=notice.entries.values("declaration_id"),
            status=S.CONFIRMED,
        )
        .exclude(pk__in=Certificate.objects.values("declaration_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    declarations = list(
        Declaration.objects.filter(pk__in=ids)
        .select_related("applicant", "plan__level")
        .order_by("pk")
    )
    titles = declared_titles(declarations)
    by_committee: dict[int, list] = {}
    for declaration in declarations:
        committee_id = declaration.committee_id or declaration.plan.committee_id
        by_committee.setdefault(committee_id, []).append(declaration)
    approved_on = timezone.localdate(notice.confirmed_at or timezone.now())
    issued = []
    for committee_id in sorted(by_committee):
        committee = (
            Committee.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=committee_id)
        )
        prefix = _prefix(committee.pk, approved_on.year)
        first = _next_sequence(committee.pk, approved_on.year)
        batch = Certificate.objects.bulk_create(
            [
                _certificate(
                    declaration,
                    committee,
                    f"{prefix}{first + index:05d}",
                    titles[declaration.pk],
                    notice,
                    approved_on,
                )
                for index, declaration in enumerate(by_committee[committee_id])
            ],
            batch_size=500,
        )
        record_audit(
            actor=actor,
            action=AuditAction.CERTIFICATE_ISSUED,
            obj=notice,
            organization=committee.office,
            results_notice_id=notice.pk,
            certificates=[[c.declaration_id, c.number] for c in batch],
        )
        issued.extend(batch)
    return issued


def verification_path(certificate: Certificate) -> str:
    return reverse("committee:verify", args=[certificate.verification_code])


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + verification_path(certificate)


def _photo(declaration) -> bytes | None:
    photo = (
        Attachment.objects.filter(
            declaration=declaration,
            slot__is_photo=True,
            status=Attachment.Status.VALID,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if photo is None:
        return None
    try:
        with photo.file.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("photo %s missing: the certificate shows an empty photo box", photo.pk)
        return None


def certificate_data(certificate: Certificate) -> CertificateData:
    declaration = certificate.declaration
    applicant = declaration.applicant
    return CertificateData(
        number=certificate.number,
        name=certificate.holder_name,
        masked_id_number=mask_id_number(applicant.id_number or ""),
        series=declaration.plan.series.name,
        title=certificate.title_name,
        level=declaration.plan.level.name,
        committee=certificate.committee_name,
        approval_date=certificate.approval_date,
        approval_document_number=certificate.approval_document_number,
        verification_url=verification_url(certificate),
        verification_path=verification_path(certificate),
        photo=_photo(declaration),
        revoked=certificate.revoked_at is not None,
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    """Drawn on demand (a page; the certificate's data never changes once issued)."""
    return render_certificate(certificate_data(certificate))
