"""review.diff.changes: what changed between the returned round's snapshot and the resubmitted
one — fields of single sections, rows of row sections (by natural key, else by position) and
files per slot (by content)."""

import copy

import pytest

from catalog.models import DeclarationMethod
from review.diff import ADDED, CHANGED, REMOVED, REPLACED, changes

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
    assert changes(snapshot, copy.deepcopy(snapshot)) == []


def test_empty_values_that_mean_the_same_are_no_change(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["education"]["full_time_degree"] = ""
    new["sections"]["work_experience"]["rows"][0]["summary"] = None
    assert changes(snapshot, new) == []


def test_a_changed_field_with_its_label_and_both_values(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["education"]["full_time_school"] = "山东科技大学"
    [section] = changes(snapshot, new)
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
    [section] = changes(snapshot, new)
    shown = {f.name: (f.old, f.new) for f in section.fields}
    assert shown["full_time_education"] == ("大学本科", "大学普通班（1970—1976年入学）")
    assert shown["same_as_full_time"] == ("是", "否")
    assert shown["full_time_graduated_on"] == ("2012-06-30", "2013-01-05")


def test_model_choices_stored_as_ids_are_shown_by_name(catalog):
    normal = DeclarationMethod.objects.get(code="normal")
    exception = DeclarationMethod.objects.get(code="exceptional")
    old = {"sections": {"declaration_info": {"method": normal.pk, "exception_kind": ""}}}
    new = {"sections": {"declaration_info": {"method": exception.pk, "exception_kind": "学历破格"}}}
    [section] = changes(old, new)
    shown = {f.name: (f.label, f.old, f.new) for f in section.fields}
    assert shown["method"] == ("申报方式", normal.name, exception.name)
    assert shown["exception_kind"] == ("破格情况", "", "学历破格")


def test_an_added_row(snapshot):
    new = copy.deepcopy(snapshot)
    rows = new["sections"]["work_experience"]["rows"]
    rows[1]["end"] = "2022-12"
    rows.append(work("2023-01", None, "潍坊华东机械制造有限公司/技术部/工艺设计"))
    [section] = changes(snapshot, new)
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
    [section] = changes(snapshot, new)
    assert [(r.kind, r.label) for r in section.rows] == [
        (CHANGED, "第1条（论文：乙）"),
        (REMOVED, "第1条（论文：甲）"),
    ]
    assert [(f.name, f.old, f.new) for f in section.rows[0].fields] == [("rank", "1/3", "2/3")]
    assert ("类别", "论文/著作", "") in [(f.label, f.old, f.new) for f in section.rows[1].fields]


def test_reordered_rows_with_a_key_are_no_change(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["achievements"]["rows"].reverse()
    assert changes(snapshot, new) == []


def test_rows_sharing_a_key_are_matched_by_position():
    rows = [{"post": "车间主任", "started_on": "2019-03-01"} for _ in range(2)]
    old = {"sections": {"admin_posts": {"rows": rows}}}
    new = copy.deepcopy(old)
    new["sections"]["admin_posts"]["rows"][1]["started_on"] = "2020-03-01"
    [section] = changes(old, new)
    [row] = section.rows
    assert (row.kind, row.label) == (CHANGED, "第2条（车间主任）")
    assert [(f.old, f.new) for f in row.fields] == [("2019-03-01", "2020-03-01")]


def test_a_removed_file(snapshot):
    new = copy.deepcopy(snapshot)
    new["attachments"] = [a for a in new["attachments"] if a["slot"] != "degree_report"]
    [section] = changes(snapshot, new, slot_names={("education", "degree_report"): "学位认证报告"})
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
    result = {s.code: s for s in changes(snapshot, new)}
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
    assert changes(snapshot, new) == []


def test_sections_come_in_the_given_plan_order(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["performance"]["text"] = "负责设备维修。"
    new["sections"]["education"]["full_time_major"] = "机械设计制造及其自动化"
    codes = ["performance", "education", "work_experience"]
    assert [s.code for s in changes(snapshot, new, codes=codes)] == ["performance", "education"]
    # A section outside the plan's sections is not reported.
    assert [s.code for s in changes(snapshot, new, codes=["education"])] == ["education"]


def test_a_section_saved_for_the_first_time_shows_every_filled_field(snapshot):
    new = copy.deepcopy(snapshot)
    new["sections"]["societies"] = {"text": "中国机械工程学会会员"}
    [section] = changes(snapshot, new)
    assert [(f.label, f.old, f.new) for f in section.fields] == [
        ("参加何种学术团体并任何种职务，有何社会兼职", "", "中国机械工程学会会员")
    ]


def test_without_an_old_snapshot_everything_is_new(snapshot):
    result = changes(None, snapshot)
    assert [s.code for s in result] == [
        "education",
        "work_experience",
        "achievements",
        "performance",
    ]
    assert {r.kind for s in result for r in s.rows} == {ADDED}
