"""declarations.reader.diff_rounds: what changed between the returned round's snapshot and the
resubmitted one — fields of single sections, rows of row sections (by natural key, else by
position) and files per slot (by content)."""

import copy
import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attachments.models import Attachment
from catalog.models import DeclarationMethod, Level, Series, Specialty, Title
from declarations.models import Declaration, DeclarationSection, Submission
from declarations.reader import (
    ADDED,
    CHANGED,
    NAMED_BY,
    REMOVED,
    REPLACED,
    Lookup,
    diff_rounds,
    enabled_sections,
    read_draft,
    read_submission,
)
from institutions.models import Organization

pytestmark = pytest.mark.django_db


def work(start, end, unit="潍坊华东机械制造有限公司/设备科/机械电气"):
    return {
        "start": start,
        "end": end,
        "unit_dept_post": unit,
        "professional_work": "设备维修与改造",
        "position": "助理工程师",
        "summary": "",
    }


def achievement(name, rank="1/3"):
    return {
        "category": "paper",
        "name": name,
        "date": "2020-05-01",
        "rank": rank,
        "publisher": "《机械工程学报》",
        "reprinted_in": "无",
        "verify_url": "",
        "patent_type": "",
        "level": "",
        "authority": "",
    }


def file(slot, name, sha, section="education"):
    return {
        "section": section,
        "slot": slot,
        "name": name,
        "sha256": sha,
        "size": 100,
        "status": "valid",
    }


@pytest.fixture
def snapshot():
    return {
        "plan": {"id": 1, "name": "2026年度 工程技术 中级（潍坊市）"},
        "sections": {
            "education": {
                "full_time_school": "山东大学",
                "full_time_major": "机械工程",
                "full_time_education": "大学本科",
                "full_time_graduated_on": "2012-06-30",
                "same_as_full_time": True,
            },
            "performance": {"text": "负责设备维修与技术改造。"},
            "work_experience": {"rows": [work("2012-07", "2018-06"), work("2018-07", None)]},
            "achievements": {"rows": [achievement("论文：甲"), achievement("论文：乙")]},
        },
        "attachments": [
            file("education_record", "备案表.pdf", "a" * 64),
            file("degree_report", "学位认证.pdf", "b" * 64),
            file("achievement_materials", "成果1.pdf", "c" * 64, section="achievements"),
        ],
    }


def test_no_change_is_empty(snapshot):
    assert diff_rounds(snapshot, copy.deepcopy(snapshot)) == []


def test_empty_values_that_mean_the_same_are_no_change(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["education"]["full_time_degree"] = ""
    new["sections"]["work_experience"]["rows"][0]["summary"] = None
    assert diff_rounds(snapshot, new) == []


def test_a_changed_field_with_its_label_and_both_values(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["education"]["full_time_school"] = "山东科技大学"
    [section] = diff_rounds(snapshot, new)
    assert (section.code, section.title) == ("education", "学历信息")
    [field] = section.fields
    assert (field.name, field.label, field.old, field.new) == (
        "full_time_school",
        "全日制-毕业院校",
        "山东大学",
        "山东科技大学",
    )
    assert section.rows == [] and section.files == []


def test_choices_booleans_and_dates_are_shown_as_a_person_reads_them(snapshot):
    new = copy.deepcopy(snapshot)
    education = new["sections"]["education"]
    education["full_time_education"] = "大学普通班"
    education["same_as_full_time"] = False
    education["full_time_graduated_on"] = "2013-01-05"
    [section] = diff_rounds(snapshot, new)
    shown = {f.name: (f.old, f.new) for f in section.fields}
    assert shown["full_time_education"] == ("大学本科", "大学普通班（1970—1976年入学）")
    assert shown["same_as_full_time"] == ("是", "否")
    assert shown["full_time_graduated_on"] == ("2012-06-30", "2013-01-05")


def test_model_choices_stored_as_ids_are_shown_by_name(catalog):
    normal = DeclarationMethod.objects.get(code="normal")
    exception = DeclarationMethod.objects.get(code="exceptional")
    old = {"sections": {"declaration_info": {"method": normal.pk, "exception_kind": ""}}}
    new = {"sections": {"declaration_info": {"method": exception.pk, "exception_kind": "学历破格"}}}
    [section] = diff_rounds(old, new)
    shown = {f.name: (f.label, f.old, f.new) for f in section.fields}
    assert shown["method"] == ("申报方式", normal.name, exception.name)
    assert shown["exception_kind"] == ("破格情况", "", "学历破格")


def test_an_added_row(snapshot):
    new = copy.deepcopy(snapshot)
    rows = new["sections"]["work_experience"]["rows"]
    rows[1]["end"] = "2022-12"
    rows.append(work("2023-01", None, "潍坊华东机械制造有限公司/技术部/工艺设计"))
    [section] = diff_rounds(snapshot, new)
    assert section.code == "work_experience"
    kinds = [(r.kind, r.label) for r in section.rows]
    assert kinds == [(CHANGED, "第2条（2018-07）"), (ADDED, "第3条（2023-01）")]
    changed, added = section.rows
    assert [(f.label, f.old, f.new) for f in changed.fields] == [("结束时间", "至今", "2022-12")]
    assert ("单位-部门-岗位", "", "潍坊华东机械制造有限公司/技术部/工艺设计") in [
        (f.label, f.old, f.new) for f in added.fields
    ]


def test_a_removed_row_and_a_changed_row_matched_by_their_key(snapshot):
    new = copy.deepcopy(snapshot)
    # 甲 removed, 乙 (now the first row) has another rank: matched by name, not by position.
    new["sections"]["achievements"]["rows"] = [achievement("论文：乙", rank="2/3")]
    [section] = diff_rounds(snapshot, new)
    assert [(r.kind, r.label) for r in section.rows] == [
        (CHANGED, "第1条（论文：乙）"),
        (REMOVED, "第1条（论文：甲）"),
    ]
    assert [(f.name, f.old, f.new) for f in section.rows[0].fields] == [("rank", "1/3", "2/3")]
    assert ("类别", "论文/著作", "") in [(f.label, f.old, f.new) for f in section.rows[1].fields]


def test_reordered_rows_with_a_key_are_no_change(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["achievements"]["rows"].reverse()
    assert diff_rounds(snapshot, new) == []


def test_rows_sharing_a_key_are_matched_by_position():
    rows = [{"post": "车间主任", "started_on": "2019-03-01"} for _ in range(2)]
    old = {"sections": {"admin_posts": {"rows": rows}}}
    new = copy.deepcopy(old)
    new["sections"]["admin_posts"]["rows"][1]["started_on"] = "2020-03-01"
    [section] = diff_rounds(old, new)
    [row] = section.rows
    assert (row.kind, row.label) == (CHANGED, "第2条（车间主任）")
    assert [(f.old, f.new) for f in row.fields] == [("2019-03-01", "2020-03-01")]


def test_a_removed_file(snapshot):
    new = copy.deepcopy(snapshot)
    new["attachments"] = [a for a in new["attachments"] if a["slot"] != "degree_report"]
    [section] = diff_rounds(
        snapshot, new, slot_names={("education", "degree_report"): "学位认证报告"}
    )
    [f] = section.files
    assert (f.kind, f.slot, f.slot_name, f.old_name, f.new_name) == (
        REMOVED,
        "degree_report",
        "学位认证报告",
        "学位认证.pdf",
        "",
    )


def test_a_replaced_file_and_an_added_file(snapshot):
    new = copy.deepcopy(snapshot)
    new["attachments"][0] = file("education_record", "备案表（清晰）.pdf", "d" * 64)
    new["attachments"].append(
        file("achievement_materials", "成果2.pdf", "e" * 64, section="achievements")
    )
    result = {s.code: s for s in diff_rounds(snapshot, new)}
    assert list(result) == ["education", "achievements"]
    [replaced] = result["education"].files
    assert (replaced.kind, replaced.old_name, replaced.new_name) == (
        REPLACED,
        "备案表.pdf",
        "备案表（清晰）.pdf",
    )
    [added] = result["achievements"].files
    assert (added.kind, added.new_name) == (ADDED, "成果2.pdf")


def test_the_same_file_under_another_name_is_no_change(snapshot):
    new = copy.deepcopy(snapshot)
    new["attachments"][0]["name"] = "改名.pdf"
    assert diff_rounds(snapshot, new) == []


def test_sections_come_in_the_given_plan_order(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["performance"]["text"] = "负责设备维修。"
    new["sections"]["education"]["full_time_major"] = "机械设计制造及其自动化"
    codes = ["performance", "education", "work_experience"]
    assert [s.code for s in diff_rounds(snapshot, new, codes=codes)] == ["performance", "education"]
    # A section outside the plan's sections is not reported.
    assert [s.code for s in diff_rounds(snapshot, new, codes=["education"])] == ["education"]


def test_a_section_saved_for_the_first_time_shows_every_filled_field(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["societies"] = {"text": "中国机械工程学会会员"}
    [section] = diff_rounds(snapshot, new)
    assert [(f.label, f.old, f.new) for f in section.fields] == [
        ("参加何种学术团体并任何种职务，有何社会兼职", "", "中国机械工程学会会员")
    ]


def test_without_an_old_snapshot_everything_is_new(snapshot):
    result = diff_rounds(None, snapshot)
    assert [s.code for s in result] == [
        "education",
        "work_experience",
        "achievements",
        "performance",
    ]
    assert {r.kind for s in result for r in s.rows} == {ADDED}


# ---------------------------------------------------------------- reading a declaration


@pytest.fixture
def submitted(engineering_declaration, unit, committed_applicant):
    from declarations.services import submit_declaration
    from tests.declarations.builders import fill_valid

    fill_valid(engineering_declaration, unit)
    return submit_declaration(actor=committed_applicant, declaration=engineering_declaration)


def test_a_submission_is_read_section_by_section_in_plan_order(submitted):
    submission = submitted.submissions.get(round=1)
    view = read_submission(submission)
    assert view.round == 1 and not view.compared and view.changes == []
    assert [s.code for s in view.sections] == [s.code for s in enabled_sections(submitted)]
    info = {f.name: (f.label, f.value) for f in view.section("declaration_info").fields}
    # Model choices stored as ids by name.
    assert info["method"] == ("申报方式", "正常晋升")
    assert info["title"][1] == "工程师"
    education = {f.label: f.value for f in view.section("education").fields}
    assert education["全日制-学历"] == "大学本科"
    assert education["评审依据学历同全日制学历"] == "是"
    work = view.section("work_experience")
    assert work.kind == "rows" and len(work.rows) == 1 and "至今" in work.rows[0]
    assert all(len(row) == len(work.columns) for row in work.rows)
    titles = view.section("titles")
    assert "注册安全工程师" in titles.rows[0]
    ce = view.section("continuing_education")
    assert ce.kind == "readonly" and ce.summary is not None


def test_files_are_those_the_snapshot_recorded_unless_the_caller_passes_its_rows(submitted):
    submission = submitted.submissions.get(round=1)
    recorded = submission.snapshot["attachments"]
    view = read_submission(submission)
    assert sorted(f.name for f in view.files) == sorted(f["name"] for f in recorded)
    assert all(f.attachment is None and f.sha256 for f in view.files)
    education = view.section("education")
    slot = next(s for s in education.slots if s.code == "education_record")
    assert slot.name and [f.name for f in slot.files] == [
        f["name"] for f in recorded if f["slot"] == "education_record"
    ]

    rows = list(Attachment.objects.filter(declaration=submitted).order_by("created_at", "pk"))
    view = read_submission(submission, files=rows)
    assert sorted(f.attachment.pk for f in view.files) == sorted(a.pk for a in rows)
    slot = next(s for s in view.section("education").slots if s.code == "education_record")
    assert all(f.attachment.slot.code == "education_record" for f in slot.files)


def test_a_submission_read_beside_an_older_round_carries_the_changes(submitted):
    first = submitted.submissions.get(round=1)
    snapshot = copy.deepcopy(first.snapshot)
    snapshot["sections"]["education"]["full_time_school"] = "山东科技大学"
    snapshot["attachments"] = [a for a in snapshot["attachments"] if a["slot"] != "photo"]
    second = Submission.objects.create(declaration=submitted, round=2, snapshot=snapshot)
    view = read_submission(second, since=first)
    assert view.compared and [c.code for c in view.changes] == ["basic_info", "education"]
    education = view.section("education")
    assert education.changed and [f.new for f in education.changes.fields] == ["山东科技大学"]
    [removed] = view.section("basic_info").changes.files
    # The slot's name comes from the plan's slots.
    assert (removed.kind, removed.slot, removed.slot_name) == (REMOVED, "photo", "照片")
    assert not view.section("performance").changed
    # diff_rounds gives the same changes on their own.
    assert diff_rounds(first, second, codes=[s.code for s in view.sections]) == [
        dataclasses.replace(c, files=[dataclasses.replace(f, slot_name=f.slot) for f in c.files])
        for c in view.changes
    ]


def test_the_draft_is_read_as_saved(submitted):
    DeclarationSection.objects.filter(declaration=submitted, code="performance").update(
        data={"text": "草稿中的新内容。"}
    )
    view = read_draft(submitted)
    assert view.round is None
    [text] = view.section("performance").fields
    assert text.value == "草稿中的新内容。"
    # Files are the caller's to pass: a draft has no recorded ones.
    assert view.files == [] and view.section("education").slots


def test_reading_queries_do_not_grow_with_rows(submitted):
    from tests.declarations.test_query_budgets import stored_rows

    def measure():
        submission = Submission.objects.select_related("declaration__plan").get(
            declaration=submitted, round=submitted.round
        )
        with CaptureQueriesContext(connection) as captured:
            view = read_submission(submission)
        return len(captured), view

    one, view = measure()
    assert len(view.section("work_experience").rows) == 1
    snapshot = copy.deepcopy(submitted.submissions.get(round=1).snapshot)
    snapshot["sections"]["work_experience"] = {
        "rows": stored_rows(submitted, "work_experience", 30)
    }
    snapshot["sections"]["titles"] = {"rows": stored_rows(submitted, "titles", 10)}
    Submission.objects.create(declaration=submitted, round=2, snapshot=snapshot)
    Declaration.objects.filter(pk=submitted.pk).update(round=2)
    submitted.refresh_from_db()
    many, view = measure()
    assert len(view.section("work_experience").rows) == 30
    assert len(view.section("titles").rows) == 10
    assert many == one, (one, many)


def test_lookup_reads_each_model_once_for_every_id_wanted(catalog, django_assert_num_queries):
    methods = list(DeclarationMethod.objects.all())
    lookup = Lookup()
    lookup.want(DeclarationMethod, [m.pk for m in methods] + ["", None, "不是编号"])
    with django_assert_num_queries(1):
        assert [lookup.name(DeclarationMethod, m.pk) for m in methods] == [m.name for m in methods]
        assert lookup.name(DeclarationMethod, str(methods[0].pk)) == methods[0].name
        assert lookup.name(DeclarationMethod, "不是编号") == ""
        assert lookup.name(DeclarationMethod, None, default="—") == "—"
    with django_assert_num_queries(1):  # an id not wanted up front: read when asked for
        assert lookup.get(DeclarationMethod, 99999) is None


def test_lookup_names_every_model_in_one_query(catalog, unit, django_assert_num_queries):
    """Names of several models (catalog entries and organizations) wanted together are read in
    one query; an id of one model never names an object of another; an id not wanted up front
    and a value that is no id are shown as asked."""
    level, series = Level.objects.first(), Series.objects.first()
    title = Title.objects.filter(level=level).first()
    method = DeclarationMethod.objects.first()
    lookup = Lookup()
    lookup.want(Level, [level.pk, "x"])
    lookup.want(Series, [series.pk])
    lookup.want(Title, [title.pk])
    lookup.want(DeclarationMethod, [str(method.pk)])
    lookup.want(Organization, [unit.pk, 999999])
    with django_assert_num_queries(1):
        assert lookup.name(Level, level.pk) == level.name
        assert lookup.name(Series, str(series.pk)) == series.name
        assert lookup.name(Title, title.pk) == title.name
        assert lookup.name(DeclarationMethod, method.pk) == method.name
        assert lookup.name(Organization, unit.pk) == str(unit)
        assert lookup.name(Organization, 999999, default="?") == "?"
        assert lookup.name(Level, "x", default="x") == "x"
    specialty = Specialty.objects.first()
    with django_assert_num_queries(1):  # not wanted up front: read when asked for
        assert lookup.name(Specialty, specialty.pk) == specialty.name


def test_the_models_named_together_are_named_by_their_column(catalog, unit):
    """Lookup.name reads NAMED_BY's column instead of str(obj): the two must agree."""
    for model, column in NAMED_BY.items():
        for obj in model.objects.all()[:3]:
            assert str(obj) == getattr(obj, column), model
