"""Meetings: the agenda of ready declarations through the workflow, the reproducible draw,
automatic recusal, attendance, and the office's meeting pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Specialty
from committee.models import FeeSetting, Meeting, Payment, Recusal
from committee.services import meetings, voting
from declarations.models import DeclarationEvent
from declarations.workflow import Action, DeclarationStatus
from institutions.models import AuditAction, AuditEntry
from tests import factories
from tests.committee import meeting_fixtures
from tests.committee.meeting_fixtures import accepted, appoint, experts, meeting_with

pytestmark = pytest.mark.django_db
setting = meeting_fixtures.setting
S = DeclarationStatus


def new_meeting(setting, declarations):
    return meetings.create_meeting(
        actor=setting["actor"],
        committee=setting["committee"],
        plan=setting["plan"],
        name="2026年第一次评审会议",
        held_on=timezone.localdate(),
        declaration_ids=[d.pk for d in declarations],
    )


def test_creating_a_meeting_puts_declarations_in_evaluation(setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 3)
    meeting = new_meeting(setting, declarations)
    assert meeting.items.count() == 3
    for declaration in declarations:
        declaration.refresh_from_db()
        assert declaration.status == S.IN_EVALUATION
    assert (
        DeclarationEvent.objects.filter(action=Action.ENTER_MEETING, details__meeting=meeting.pk)
        .values("declaration")
        .count()
        == 3
    )
    assert AuditEntry.objects.filter(action=AuditAction.MEETING_CREATED).exists()


def test_unpaid_declarations_cannot_enter_a_meeting(setting):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    FeeSetting.objects.create(
        committee=setting["committee"], plan=setting["plan"], charged=True, amount=300
    )
    payment = Payment.objects.create(declaration=declaration, round=1, amount=300)
    with pytest.raises(ValidationError, match="已缴费"):
        new_meeting(setting, [declaration])
    assert not Meeting.objects.exists()
    declaration.refresh_from_db()
    assert declaration.status == S.ACCEPTED
    payment.status = Payment.Status.PAID
    payment.save()
    new_meeting(setting, [declaration])
    declaration.refresh_from_db()
    assert declaration.status == S.IN_EVALUATION


def test_only_the_committees_office_creates_meetings(setting, unit_reviewer):
    (declaration,) = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    setting = {**setting, "actor": unit_reviewer}
    with pytest.raises(PermissionDenied):
        new_meeting(setting, [declaration])


def test_taking_a_declaration_off_before_the_vote(setting):
    one, two = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    meeting = new_meeting(setting, [one, two])
    meetings.remove_from_agenda(actor=setting["actor"], meeting=meeting, declaration_id=one.pk)
    one.refresh_from_db()
    assert one.status == S.ACCEPTED
    assert list(meeting.items.values_list("declaration_id", flat=True)) == [two.pk]
    meetings.add_to_agenda(actor=setting["actor"], meeting=meeting, declaration_ids=[one.pk])
    one.refresh_from_db()
    assert one.status == S.IN_EVALUATION


def test_the_agenda_is_fixed_once_voting_opened(setting):
    one, two = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    meeting, _pool, _seated = meeting_with(setting, [one])
    with pytest.raises(ValidationError, match="投票中"):
        meetings.add_to_agenda(actor=setting["actor"], meeting=meeting, declaration_ids=[two.pk])
    with pytest.raises(ValidationError, match="投票中"):
        meetings.remove_from_agenda(actor=setting["actor"], meeting=meeting, declaration_id=one.pk)


def test_the_draw_is_reproducible_from_its_audit_entry(setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    pool = experts(setting["office"], 15)
    appoint(setting["committee"], pool, setting["year"])
    meeting = new_meeting(setting, declarations)
    drawn = meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=9)
    meeting.refresh_from_db()
    entry = AuditEntry.objects.get(action=AuditAction.EXPERTS_DRAWN)
    assert entry.details["seed"] == meeting.draw_seed and entry.details["drawn"] == drawn
    again = meetings.draw_order(
        entry.details["pool"], set(entry.details["preferred"]), 9, entry.details["seed"]
    )
    assert again == drawn
    assert list(meeting.experts.values_list("expert_id", flat=True)) == drawn
    assert meeting.status == Meeting.Status.DRAWN


def test_redraw_needs_a_reason_and_is_refused_after_voting_opens(setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    pool = experts(setting["office"], 12)
    appoint(setting["committee"], pool, setting["year"])
    meeting = new_meeting(setting, declarations)
    meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=11)
    with pytest.raises(ValidationError) as error:
        meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=11)
    assert "原因" in str(error.value.message_dict["reason"])
    meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=11, reason="专家生病")
    entry = AuditEntry.objects.get(action=AuditAction.EXPERTS_REDRAWN)
    assert entry.reason == "专家生病" and len(entry.details["previous"]) == 11
    with pytest.raises(ValidationError) as error:
        meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=13, reason="再抽")
    assert "1至12" in str(error.value.message_dict["count"])
    meetings.record_attendance(
        actor=setting["actor"],
        meeting=meeting,
        attended_ids=list(meeting.experts.values_list("expert_id", flat=True)),
    )
    voting.open_vote(actor=setting["actor"], meeting=meeting)
    with pytest.raises(ValidationError, match="投票中"):
        meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=11, reason="再抽")


def test_the_draw_by_specialty_takes_specialists_first(setting):
    specialties = list(Specialty.objects.filter(series=setting["plan"].series)[:2])
    declarations = accepted(
        setting["plan"], setting["committee"], setting["unit"], 2, specialty=specialties[0]
    )
    specialists = experts(setting["office"], 4, specialties=[specialties[0]])
    others = experts(setting["office"], 8, specialties=[specialties[1]])
    appoint(setting["committee"], [*specialists, *others], setting["year"])
    meeting = new_meeting(setting, declarations)
    drawn = meetings.draw_experts(
        actor=setting["actor"], meeting=meeting, count=6, by_specialty=True
    )
    assert set(drawn[:4]) == {e.pk for e in specialists}
    assert set(drawn[4:]) <= {e.pk for e in others}


def test_recusal_same_unit_and_on_path(setting, supervising_department, reporting_department):
    declarations = accepted(
        setting["plan"],
        setting["committee"],
        setting["unit"],
        2,
        path=[supervising_department, reporting_department],
    )
    colleague = experts(setting["office"], 1, organization=setting["unit"])[0]
    official = experts(setting["office"], 1, organization=reporting_department)[0]
    other_unit = factories.OrganizationFactory()
    outsider = experts(setting["office"], 1, organization=other_unit)[0]
    appoint(setting["committee"], [colleague, official, outsider], setting["year"])
    meeting = new_meeting(setting, declarations[:1])
    meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=3)
    reasons = dict(Recusal.objects.filter(meeting=meeting).values_list("expert_id", "reason"))
    assert reasons == {
        colleague.pk: Recusal.Reason.SAME_UNIT,
        official.pk: Recusal.Reason.ON_PATH,
    }
    # A declaration added after the draw gets its recusals too.
    meetings.add_to_agenda(
        actor=setting["actor"], meeting=meeting, declaration_ids=[declarations[1].pk]
    )
    assert Recusal.objects.filter(meeting=meeting, declaration=declarations[1]).count() == 2


def test_recused_expert_does_not_see_the_declaration(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    colleague = experts(setting["office"], 1, organization=setting["unit"])[0]
    appoint(setting["committee"], [colleague], setting["year"])
    meeting = new_meeting(setting, declarations)
    meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=1)
    item = meeting.items.get()
    login(colleague.user)
    page = client.get(reverse("committee:expert_meeting", args=[meeting.pk])).content.decode()
    assert declarations[0].applicant.name not in page
    assert client.get(reverse("committee:expert_item", args=[item.pk])).status_code == 404
    url = reverse("documents:download", args=[declarations[0].pk, "form"])
    assert client.get(url).status_code == 404


def test_attendance_only_of_drawn_experts(setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    pool = experts(setting["office"], 5)
    appoint(setting["committee"], pool[:4], setting["year"])
    meeting = new_meeting(setting, declarations)
    with pytest.raises(ValidationError):
        meetings.record_attendance(actor=setting["actor"], meeting=meeting, attended_ids=[])
    drawn = meetings.draw_experts(actor=setting["actor"], meeting=meeting, count=3)
    with pytest.raises(ValidationError):
        meetings.record_attendance(
            actor=setting["actor"], meeting=meeting, attended_ids=[pool[4].pk]
        )
    assert (
        meetings.record_attendance(actor=setting["actor"], meeting=meeting, attended_ids=drawn[:2])
        == 2
    )
    entry = AuditEntry.objects.get(action=AuditAction.ATTENDANCE_RECORDED)
    assert entry.details["absent"] == [drawn[2]]


# --- views ------------------------------------------------------------------------------------


def test_office_creates_a_meeting_from_the_page(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    login(setting["actor"])
    url = reverse("committee:meeting_new")
    page = client.get(url, {"plan": setting["plan"].pk}).content.decode()
    assert page.count('data-testid="ready-declaration"') == 2
    response = client.post(
        url, {"plan": setting["plan"].pk, "name": "", "held_on": "2026-13-01", "declarations": []}
    )
    page = response.content.decode()
    assert "请填写“会议名称”" in page and not Meeting.objects.exists()
    response = client.post(
        url,
        {
            "plan": setting["plan"].pk,
            "name": "第一次会议",
            "held_on": timezone.localdate().isoformat(),
            "declarations": [d.pk for d in declarations],
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("committee:meeting_detail", args=[meeting.pk])
    assert meeting.items.count() == 2


def test_meeting_pages_refuse_others(client, login, setting, unit_reviewer):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting = new_meeting(setting, declarations)
    login(unit_reviewer)
    assert client.get(reverse("committee:meeting_detail", args=[meeting.pk])).status_code == 403
    other = factories.org_user(factories.OrganizationFactory(kind="committee_office"))
    login(other)
    assert client.get(reverse("committee:meeting_detail", args=[meeting.pk])).status_code == 404
    response = client.post(reverse("committee:meeting_open", args=[meeting.pk]))
    assert response.status_code == 404


def test_draw_view_keeps_input_and_names_the_error(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    appoint(setting["committee"], experts(setting["office"], 3), setting["year"])
    meeting = new_meeting(setting, declarations)
    login(setting["actor"])
    response = client.post(reverse("committee:meeting_draw", args=[meeting.pk]), {"count": 7})
    page = response.content.decode()
    assert "1至3" in page and 'value="7"' in page
    response = client.post(reverse("committee:meeting_draw", args=[meeting.pk]), {"count": 2})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.DRAWN


def test_office_sees_how_many_voted_never_how(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, seated = meeting_with(setting, declarations)
    item = meeting.items.get()
    for expert in seated[:3]:
        voting.cast_ballot(actor=expert.user, item_id=item.pk, choice="agree")
    login(setting["actor"])
    page = client.get(reverse("committee:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="voted-count">3<' in page
    assert "同意" not in page.split('data-testid="agenda-row"')[1]
    assert 'data-testid="tally"' not in page
    confirm = client.get(reverse("committee:meeting_close", args=[meeting.pk])).content.decode()
    assert 'data-testid="confirm-close"' in confirm
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.VOTING
    client.post(reverse("committee:meeting_close", args=[meeting.pk]))
    page = client.get(reverse("committee:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="tally"' in page and "会议有效" in page


def test_meeting_page_queries_do_not_grow_with_declarations_or_experts(client, login, setting):
    counts = []
    login(setting["actor"])
    for size in (2, 7):
        declarations = accepted(
            setting["plan"], setting["committee"], setting["unit"], size, prefix=f"规模{size}"
        )
        meeting, _pool, seated = meeting_with(setting, declarations, members=size + 9)
        for item in meeting.items.all():
            voting.cast_ballot(actor=seated[0].user, item_id=item.pk, choice="agree")
        url = reverse("committee:meeting_detail", args=[meeting.pk])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_whole_meeting_through_the_office_pages(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 2)
    pool = experts(setting["office"], 11)
    appoint(setting["committee"], pool, setting["year"])
    meeting = new_meeting(setting, declarations)
    login(setting["actor"])
    detail = reverse("committee:meeting_detail", args=[meeting.pk])
    client.post(
        reverse("committee:meeting_remove", args=[meeting.pk, declarations[1].pk]),
        {"reason": "材料待补"},
    )
    declarations[1].refresh_from_db()
    assert declarations[1].status == S.ACCEPTED
    client.post(
        reverse("committee:meeting_add", args=[meeting.pk]), {"declarations": [declarations[1].pk]}
    )
    assert meeting.items.count() == 2
    client.post(reverse("committee:meeting_draw", args=[meeting.pk]), {"count": 11})
    page = client.get(detail).content.decode()
    assert page.count('data-testid="seat-row"') == 11
    # A redraw without a reason is refused at the field.
    response = client.post(reverse("committee:meeting_draw", args=[meeting.pk]), {"count": 11})
    assert "重新抽取须填写原因" in response.content.decode()
    # Opening before attendance is refused with a message.
    response = client.post(reverse("committee:meeting_open", args=[meeting.pk]))
    assert "请先登记出席" in response.content.decode()
    client.post(
        reverse("committee:meeting_attendance", args=[meeting.pk]),
        {"attended": [e.pk for e in pool[:9]]},
    )
    assert 'data-testid="attending">出席 9 / 抽取 11 人' in client.get(detail).content.decode()
    client.post(reverse("committee:meeting_open", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VOTING
    for item in meeting.items.all():
        for expert in pool[:9]:
            voting.cast_ballot(actor=expert.user, item_id=item.pk, choice="agree")
    client.post(reverse("committee:meeting_close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.is_valid, meeting.attending_count) == ("closed", True, 9)
    for declaration in declarations:
        declaration.refresh_from_db()
        assert declaration.status == S.EVALUATION_PASSED
    listing = client.get(reverse("committee:meeting_list")).content.decode()
    assert meeting.name in listing


def test_office_cannot_remove_during_the_vote(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    meeting, _pool, _seated = meeting_with(setting, declarations)
    login(setting["actor"])
    response = client.post(
        reverse("committee:meeting_remove", args=[meeting.pk, declarations[0].pk])
    )
    assert "投票中" in response.content.decode()
    declarations[0].refresh_from_db()
    assert declarations[0].status == S.IN_EVALUATION


def test_meeting_page_flags_a_committee_below_its_minimum(client, login, setting):
    declarations = accepted(setting["plan"], setting["committee"], setting["unit"], 1)
    appoint(setting["committee"], experts(setting["office"], 10), setting["year"])
    meeting = new_meeting(setting, declarations)
    login(setting["actor"])
    url = reverse("committee:meeting_detail", args=[meeting.pk])
    assert 'data-testid="below-minimum"' in client.get(url).content.decode()
    appoint(setting["committee"], experts(setting["office"], 1), setting["year"])
    assert 'data-testid="below-minimum"' not in client.get(url).content.decode()
