"""评委会意见: the committee office writes the opinion of each declaration of a closed, valid
meeting on the meeting page (until the result is confirmed); an applicant who did not pass reads
it on the result panel and the evaluation form prints it in the committee's block."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from committee.models import Expert, MeetingDeclaration
from committee.services import revocation, voting
from documents.content import form_content
from documents.form_pdf import render_form
from documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from institutions.models import AuditAction, AuditEntry, OrgKind
from tests import factories
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, meeting_with
from tests.committee.results_fixtures import *  # noqa: F403
from tests.committee.results_fixtures import evaluate

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting

OPINION = "业绩成果不足，论文与申报专业关联度不高。"


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() or "" for page in reader.pages).replace("\n", "")


def closed(setting, count=1, *, choice="disagree", attending=None, prefix="申报人"):
    """A meeting of `count` declarations through the real services: 11 members, `attending`
    of them (all by default) voting `choice` on every declaration, the vote closed."""
    declarations = accepted(
        setting["plan"], setting["committee"], setting["unit"], count, prefix=prefix
    )
    meeting, _pool, seated = meeting_with(setting, declarations, attending=attending)
    items = list(meeting.items.all())
    for expert in seated[: meeting.experts.filter(attended=True).count()]:
        for item in items:
            voting.cast_ballot(actor=expert.user, item_id=item.pk, choice=choice)
    voting.close_vote(actor=setting["actor"], meeting=meeting)
    meeting.refresh_from_db()
    return meeting, items


def detail(meeting) -> str:
    return reverse("committee:meeting_detail", args=[meeting.pk])


def opinion_url(item) -> str:
    return reverse("committee:meeting_opinion", args=[item.meeting_id, item.pk])


@pytest.fixture
def other_office_user(regions):
    office = factories.OrganizationFactory(
        name="威海市工程技术职务资格中级评审委员会办公室",
        kind=OrgKind.COMMITTEE_OFFICE,
        region=regions["371002"],
    )
    return factories.org_user(office, user__username="other_office")


# --- the office writes it ------------------------------------------------------------------


def test_the_office_writes_the_opinion_on_the_closed_meeting_page(client, login, setting):
    meeting, (item,) = closed(setting)
    login(setting["actor"])
    page = client.get(detail(meeting)).content.decode()
    assert page.count('data-testid="opinion-row"') == 1
    assert 'name="opinion"' in page and "保存" in page

    response = client.post(opinion_url(item), {"opinion": f"  {OPINION}\n"})
    assert response.status_code == 302
    assert response["Location"] == f"{detail(meeting)}#opinion-{item.pk}"
    item.refresh_from_db()
    assert item.opinion == OPINION
    page = client.get(response["Location"]).content.decode()
    assert "已保存" in page and "的评委会意见" in page
    assert f">{OPINION}</textarea>" in page
    entry = AuditEntry.objects.get(action=AuditAction.VOTE_CLOSED, details__step="opinion")
    assert entry.actor == setting["actor"] and entry.organization == setting["office"]
    assert entry.details["opinion"] == OPINION and entry.details["previous"] == ""
    assert entry.details["declaration"] == item.declaration_id

    # Corrected before the result is confirmed: the trail keeps what it replaced.
    voting.record_opinion(actor=setting["actor"], item_id=item.pk, opinion="材料不足。")
    item.refresh_from_db()
    assert item.opinion == "材料不足。"
    latest = AuditEntry.objects.filter(details__step="opinion").order_by("-pk").first()
    assert latest.details["previous"] == OPINION


def test_a_passed_declaration_may_have_an_opinion_too(setting):
    _meeting, (item,) = closed(setting, choice="agree")
    voting.record_opinion(actor=setting["actor"], item_id=item.pk, opinion="同意通过。")
    assert MeetingDeclaration.objects.get(pk=item.pk).opinion == "同意通过。"


# --- who may -------------------------------------------------------------------------------


def test_another_office_does_not_find_the_item(client, login, setting, other_office_user):
    _meeting, (item,) = closed(setting)
    with pytest.raises(MeetingDeclaration.DoesNotExist):
        voting.record_opinion(actor=other_office_user, item_id=item.pk, opinion=OPINION)
    login(other_office_user)
    assert client.post(opinion_url(item), {"opinion": OPINION}).status_code == 404
    item.refresh_from_db()
    assert item.opinion == ""


@pytest.mark.parametrize("who", ["applicant", "unit_reviewer"])
def test_an_applicant_or_a_unit_reviewer_is_refused(request, client, login, setting, who):
    _meeting, (item,) = closed(setting)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        voting.record_opinion(actor=user, item_id=item.pk, opinion=OPINION)
    login(user)
    assert client.post(opinion_url(item), {"opinion": OPINION}).status_code == 403
    item.refresh_from_db()
    assert item.opinion == ""
    assert not AuditEntry.objects.filter(details__step="opinion").exists()


def test_an_item_of_another_meeting_is_not_found_under_this_one(client, login, setting):
    first, (_item,) = closed(setting, prefix="甲")
    _second, (other,) = closed(setting, prefix="乙")
    login(setting["actor"])
    url = reverse("committee:meeting_opinion", args=[first.pk, other.pk])
    assert client.post(url, {"opinion": OPINION}).status_code == 404


# --- when ----------------------------------------------------------------------------------


def test_before_the_close_it_is_refused(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, _seated = meeting_with(setting, declarations)
    item = meeting.items.get()
    with pytest.raises(ValidationError, match="投票结束并计票后才能填写评委会意见"):
        voting.record_opinion(actor=setting["actor"], item_id=item.pk, opinion=OPINION)
    login(setting["actor"])
    assert 'data-testid="opinion-row"' not in client.get(detail(meeting)).content.decode()
    response = client.post(opinion_url(item), {"opinion": OPINION})
    page = response.content.decode()
    assert response.status_code == 200
    assert "投票结束并计票后才能填写评委会意见" in page
    item.refresh_from_db()
    assert item.opinion == ""


def test_an_invalid_meeting_has_no_opinion_to_write(setting):
    meeting, (item,) = closed(setting, attending=7)
    assert meeting.is_valid is False
    with pytest.raises(ValidationError, match="会议无效"):
        voting.record_opinion(actor=setting["actor"], item_id=item.pk, opinion=OPINION)


def test_after_the_confirmation_it_is_refused(
    client, login, confirmed, committee_office_user, meeting
):
    item = MeetingDeclaration.objects.get(declaration=confirmed)
    with pytest.raises(ValidationError, match="评审结果已确认，不能再填写或修改评委会意见"):
        voting.record_opinion(actor=committee_office_user, item_id=item.pk, opinion=OPINION)
    login(committee_office_user)
    page = client.get(detail(meeting)).content.decode()
    assert 'data-testid="opinion-row"' in page and 'name="opinion"' not in page
    response = client.post(opinion_url(item), {"opinion": OPINION})
    assert "评审结果已确认，不能再填写或修改评委会意见" in response.content.decode()
    item.refresh_from_db()
    assert item.opinion == ""


def test_after_a_revocation_it_is_refused(passed, committee_office_user, meeting):
    revocation.revoke_result(actor=committee_office_user, declaration=passed, reason="论文抄袭")
    item = MeetingDeclaration.objects.get(declaration=passed)
    with pytest.raises(ValidationError, match="评审结果已撤销"):
        voting.record_opinion(actor=committee_office_user, item_id=item.pk, opinion=OPINION)


# --- bad input -----------------------------------------------------------------------------


def test_an_empty_opinion_is_refused_next_to_the_field(client, login, setting):
    _meeting, (item,) = closed(setting)
    login(setting["actor"])
    response = client.post(opinion_url(item), {"opinion": "  \n "})
    page = response.content.decode()
    assert response.status_code == 200
    error = page.split('data-testid="opinion-error"')[1].split("</div>")[0]
    assert "请填写评委会意见。" in error
    assert 'aria-invalid="true"' in page
    item.refresh_from_db()
    assert item.opinion == ""
    assert not AuditEntry.objects.filter(details__step="opinion").exists()


def test_a_too_long_opinion_is_refused_and_the_text_stays(client, login, setting):
    _meeting, items = closed(setting, count=2)
    login(setting["actor"])
    text = "意" * 499 + "见不足"
    response = client.post(opinion_url(items[1]), {"opinion": text})
    page = response.content.decode()
    assert "评委会意见不能超过500个字（现为502个字）" in page
    assert f">{text}</textarea>" in page
    # Only that row carries the message; the other keeps its own (empty) field.
    assert page.count('data-testid="opinion-error"') == 1
    row = page.split(f'id="opinion-{items[1].pk}"')[1].split("</tr>")[0]
    assert 'data-testid="opinion-error"' in row
    assert not MeetingDeclaration.objects.exclude(opinion="").exists()
    # 500 characters are accepted.
    voting.record_opinion(actor=setting["actor"], item_id=items[1].pk, opinion="意" * 500)
    assert len(MeetingDeclaration.objects.get(pk=items[1].pk).opinion) == 500


def test_the_closed_meeting_page_queries_do_not_grow_with_declarations(client, login, setting):
    login(setting["actor"])
    counts = []
    for size in (2, 6):
        meeting, items = closed(setting, count=size, prefix=f"规模{size}")
        voting.record_opinion(actor=setting["actor"], item_id=items[0].pk, opinion=OPINION)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(detail(meeting)).content.decode()
        assert page.count('name="opinion"') == size
        counts.append(len(captured))
        # The next meeting's quorum counts only its own (active) members.
        Expert.objects.update(is_active=False)
    assert counts[0] == counts[1], counts


# --- where it is read ----------------------------------------------------------------------


@pytest.fixture
def failed(at_committee, committee_office_user, meeting):
    """张三's declaration failed by the closed meeting (5 同意 of 11), no opinion yet."""
    evaluate(at_committee, committee_office_user, meeting, passed=False, votes=(5, 4, 2))
    return at_committee


def test_a_failed_applicant_reads_the_recorded_opinion(
    client, login, failed, committee_office_user
):
    item = MeetingDeclaration.objects.get(declaration=failed)
    login(failed.applicant)
    overview = reverse("declarations:overview", args=[failed.pk])
    assert OPINION not in client.get(overview).content.decode()
    voting.record_opinion(actor=committee_office_user, item_id=item.pk, opinion=OPINION)
    for url in (overview, reverse("applicants:dashboard")):
        page = client.get(url).content.decode()
        assert 'data-testid="result-opinion"' in page, url
        assert f"评委会意见：{OPINION}" in page, url


@pytest.fixture
def _private_media(settings, tmp_path):
    media = tmp_path / "private"
    media.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    return media


def test_the_evaluation_form_prints_the_opinion(
    failed, committee_office_user, _private_media, django_capture_on_commit_callbacks
):
    item = MeetingDeclaration.objects.get(declaration=failed)
    before = text_of(render_form(form_content(failed.pk, failed.round)).data)
    assert "评审结论：评审未通过" in before and OPINION not in before
    with django_capture_on_commit_callbacks(execute=True):
        voting.record_opinion(actor=committee_office_user, item_id=item.pk, opinion=OPINION)
    printed = text_of(render_form(form_content(failed.pk, failed.round)).data)
    assert f"备注：{OPINION}" in printed
    # The stored form of the round was drawn again after the commit.
    document = GeneratedDocument.objects.get(
        declaration=failed, round=failed.round, kind=DocumentKind.FORM
    )
    assert document.status == DocumentStatus.READY
    with document.file.open("rb") as handle:
        assert f"备注：{OPINION}" in text_of(handle.read())
