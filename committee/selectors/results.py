"""Queries of the results area: the notices an office, a bureau or the public sees, the rows of
a notice (never an ID number), the declared title of declarations and what the applicant is
told about their result. Every view taking an id fetches through one helper here, which
answers 404 to anyone who may not see the object."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Title
from committee.models import (
    Certificate,
    Meeting,
    MeetingDeclaration,
    ResultsNotice,
    ResultsNoticeEntry,
    ResultsObjection,
)
from declarations import kept
from declarations.models import Declaration, DeclarationSection
from declarations.workflow import DeclarationStatus as S
from institutions import access
from institutions.models import Committee, Organization, OrgKind

Cap = access.Capability

# The states in which a declaration has a committee result the applicant is told about.
RESULT_STATES = frozenset({S.EVALUATION_PASSED, S.EVALUATION_FAILED, S.CONFIRMED, S.REVOKED})


def declared_titles(declarations) -> dict[int, str]:
    """The title each declaration asks for (declaration_info's 申报职称), else its plan's
    level: two queries for any number of declarations (plans must be select_related)."""
    declarations = list(declarations)
    data = dict(
        DeclarationSection.objects.filter(
            declaration__in=[d.pk for d in declarations], code="declaration_info"
        ).values_list("declaration_id", "data")
    )
    title_ids = {
        int(value)
        for value in ((data.get(d.pk) or {}).get("title") for d in declarations)
        if str(value or "").isdigit()
    }
    names = dict(Title.objects.filter(pk__in=title_ids).values_list("pk", "name"))
    titles = {}
    for declaration in declarations:
        value = (data.get(declaration.pk) or {}).get("title")
        name = names.get(int(value)) if str(value or "").isdigit() else None
        titles[declaration.pk] = name or declaration.plan.level.name
    return titles


def declared_title(declaration) -> str:
    return declared_titles([declaration])[declaration.pk]


# --- who sees which notice -------------------------------------------------------------------


def office_of(user):
    """The committee office the user acts for (403 for anyone else)."""
    return access.require_organization(user, Cap.EVALUATE)


def bureau_committees(bureau) -> list[int]:
    """The committees whose region this HR bureau is responsible for (as
    institutions.selectors.responsible_bureau answers it: the bureau of the region or of its
    nearest ancestor that has one); two queries whatever the number of committees."""
    if bureau is None or bureau.kind != OrgKind.HR_BUREAU:
        return []
    bureaus = dict(
        Organization.objects.filter(kind=OrgKind.HR_BUREAU).values_list("region__code", "pk")
    )
    mine = []
    for committee in Committee.objects.select_related("region"):
        for code in committee.region.ancestor_codes():
            if code in bureaus:
                if bureaus[code] == bureau.pk:
                    mine.append(committee.pk)
                break
    return mine


def _notices():
    return ResultsNotice.objects.select_related(
        "meeting__committee__office", "meeting__committee__region", "meeting__plan"
    )


def get_notice_for_office(user, pk: int) -> ResultsNotice:
    office = office_of(user)
    try:
        return _notices().get(pk=pk, meeting__committee__office=office)
    except ResultsNotice.DoesNotExist:
        raise Http404(_("未找到该评审结果公示。")) from None


def get_notice_for_bureau(user, pk: int) -> ResultsNotice:
    bureau = access.organization_of(user)
    try:
        return _notices().get(pk=pk, meeting__committee__in=bureau_committees(bureau))
    except ResultsNotice.DoesNotExist:
        raise Http404(_("未找到该评审结果公示。")) from None


def get_meeting_for_office(user, pk: int) -> Meeting:
    office = office_of(user)
    try:
        return Meeting.objects.select_related("committee", "plan").get(
            pk=pk, committee__office=office
        )
    except Meeting.DoesNotExist:
        raise Http404(_("未找到该评审会议。")) from None


def public_notices():
    """Notices the public sees: running or confirmed (a cancelled one is gone)."""
    return _notices().exclude(status=ResultsNotice.Status.CANCELLED)


def get_public_notice(pk: int) -> ResultsNotice:
    try:
        return public_notices().get(pk=pk)
    except ResultsNotice.DoesNotExist:
        raise Http404(_("未找到该评审结果公示。")) from None


def office_notices(office):
    return _notices().filter(meeting__committee__office=office)


def closed_meetings_without_notice(office):
    return (
        Meeting.objects.filter(committee__office=office, status=Meeting.Status.CLOSED)
        .exclude(notices__status__in=[ResultsNotice.Status.RUNNING, ResultsNotice.Status.CONFIRMED])
        .select_related("committee", "plan")
    )


def bureau_notices(bureau):
    return _notices().filter(
        meeting__committee__in=bureau_committees(bureau), status=ResultsNotice.Status.CONFIRMED
    )


@dataclass
class Row:
    declaration_id: int
    name: str
    unit: str
    series: str
    title: str
    status: str
    status_label: str


def notice_rows(notice: ResultsNotice) -> list[Row]:
    """The people on a notice: name, unit, series, title (never an ID number); four queries
    whatever their number."""
    declarations = list(
        Declaration.objects.filter(
            pk__in=ResultsNoticeEntry.objects.filter(notice=notice).values("declaration_id")
        )
        .select_related("applicant", "declaring_unit", "plan__series", "plan__level")
        .order_by("pk")
    )
    titles = declared_titles(declarations)
    return [
        Row(
            declaration_id=d.pk,
            name=d.applicant.name,
            unit=d.declaring_unit.name if d.declaring_unit else "",
            series=d.plan.series.name,
            title=titles[d.pk],
            status=d.status,
            status_label=d.get_status_display(),
        )
        for d in declarations
    ]


def objections_of(notice: ResultsNotice):
    return (
        ResultsObjection.objects.filter(notice=notice)
        .select_related("declaration__applicant", "handled_by", "recorded_by")
        .order_by("received_on", "pk")
    )


def open_objections(notice: ResultsNotice):
    return ResultsObjection.objects.filter(notice=notice, handled_at__isnull=True)


def has_ended(notice: ResultsNotice, today=None) -> bool:
    """From the day after its end date (as a unit notice's outcome)."""
    return (today or timezone.localdate()) > notice.ends_on


# --- what the applicant is told ---------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    status_label: str
    passed: bool
    item: MeetingDeclaration | None
    objection: ResultsObjection | None
    certificate: Certificate | None
    notice: ResultsNotice | None


def outcome_of(declaration) -> Outcome | None:
    """The committee's result for the declaration's current round, or None before one."""
    return outcomes_of([declaration]).get(declaration.pk)


def _first_by_declaration(rows) -> dict:
    """The first row of each declaration among rows already in the wanted order."""
    first = {}
    for row in rows:
        first.setdefault(row.declaration_id, row)
    return first


def outcomes_of(declarations) -> dict[int, Outcome]:
    """The committee's results of the declarations that have one (by pk), each for its
    current round: at most four queries whatever their number."""
    declarations = [d for d in declarations if d.status in RESULT_STATES]
    if not declarations:
        return {}
    ids = [d.pk for d in declarations]
    rounds = {d.pk: d.round for d in declarations}
    items = _first_by_declaration(
        item
        for item in MeetingDeclaration.objects.filter(declaration_id__in=ids, passed__isnull=False)
        .select_related("meeting")
        .order_by("-meeting__closed_at", "-pk")
        if item.round == rounds[item.declaration_id]
    )
    failed = [d.pk for d in declarations if d.status == S.EVALUATION_FAILED]
    objections = (
        _first_by_declaration(
            ResultsObjection.objects.filter(declaration_id__in=failed, founded=True).order_by(
                "-handled_at"
            )
        )
        if failed
        else {}
    )
    certificates = certificates_of(ids)
    entries = _first_by_declaration(
        ResultsNoticeEntry.objects.filter(declaration_id__in=ids)
        .exclude(notice__status=ResultsNotice.Status.CANCELLED)
        .select_related("notice")
        .order_by("-notice__published_at", "-notice_id")
    )
    return {
        d.pk: Outcome(
            status=d.status,
            status_label=d.get_status_display(),
            passed=d.status in (S.EVALUATION_PASSED, S.CONFIRMED),
            item=items.get(d.pk),
            objection=objections.get(d.pk),
            certificate=certificates.get(d.pk),
            notice=entries[d.pk].notice if d.pk in entries else None,
        )
        for d in declarations
    }


def applicant_results(user) -> list[Declaration]:
    """The applicant's declarations with a committee result (home page)."""
    return _applicants_results(applicant=user.pk)


@kept.prepared_fetch("plan__series", "plan__level", "plan__region", "plan__committee")
def _applicants_results(*, applicant):
    return Declaration.objects.filter(applicant_id=applicant, status__in=RESULT_STATES).order_by(
        "-pk"
    )


def certificates_of(declaration_ids) -> dict[int, Certificate]:
    return {
        c.declaration_id: c for c in Certificate.objects.filter(declaration_id__in=declaration_ids)
    }


def revocable_q():
    return Q(status__in=[S.EVALUATION_PASSED, S.CONFIRMED])
