"""A complete, valid declaration for each of the two demo plans (demo.catalog), entered as a
person would enter it: each enabled section's values go through the section's own form and are
saved with services.save_section, and every required attachment slot gets a generated file the
checks accept (demo.files), checked at once as the worker would check it.

seed_demo uses it for the demo applicants' submitted declarations; the tests build their
declarations with it (tests/declarations/builders.py). The two plans differ: the culture plan
requires the unit ranking "N/M", refuses vague language levels ("熟练", "良好", …) and has no
patents; the engineering plan has no ranking and accepts every achievement category.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from attachments import selectors as attachment_selectors
from attachments import services as attachment_services
from attachments.models import Attachment
from catalog.models import (
    DeclarationMethod,
    Level,
    ProfessionalQualification,
    Series,
    Specialty,
    Title,
)
from declarations import services
from declarations.computations import add_months
from declarations.forms import form_for_section
from declarations.models import Declaration
from demo.files import photo, scan
from institutions.selectors import PERSONAL_AGENCY, is_personal_agency_bureau

ENGINEERING = "engineering"
CULTURE = "mass_culture"
# The row sections (formsets), saved after the single-form sections: the titles form reads the
# declaration method saved in 申报信息.
ROW_SECTIONS = ("titles", "admin_posts", "assessments", "work_experience", "achievements")


# ---------------------------------------------------------------- posting to a section's form


def prefixed(code, values):
    """A single-form section's values as its form receives them in a POST."""
    return {f"{code}-{k}": v for k, v in values.items()}


def rows_data(code, rows, initial=0):
    """A row section's rows as its formset receives them in a POST."""
    data = {f"{code}-TOTAL_FORMS": str(len(rows)), f"{code}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"{code}-{i}-{k}": v for k, v in row.items()})
    return data


def bound(declaration, code, data):
    """The section's form (or formset) of this declaration's plan, bound to POST data."""
    plan_section = declaration.plan.sections.get(code=code)
    return form_for_section(code, declaration=declaration, plan_section=plan_section, data=data)


# ---------------------------------------------------------------- engineering rows, one by one


def title_item(i):
    """助理工程师 (初级) and 工程师 (中级) in turn, a year apart, each with a 职业资格."""
    level, name = ("junior", "助理工程师") if i % 2 == 0 else ("intermediate", "工程师")
    year = 1990 + i
    return {
        "level": str(Level.objects.get(code=level).pk),
        "series": str(Series.objects.get(code=ENGINEERING).pk),
        "title": name,
        "obtained_on": f"{year}-01-10",
        "appointed_on": f"{year}-03-01",
        "qualification": str(ProfessionalQualification.objects.get(name="注册安全工程师").pk),
        "qualification_on": f"{year}-05-01",
    }


def admin_post_item(i):
    return {"post": f"第{i + 1}车间主任", "started_on": f"{1990 + i}-03-01"}


def assessment_item(i, plan_year=2026):
    # Only the last five years are accepted: more rows repeat them (a GET does not validate).
    return {
        "year": str(plan_year - 1 - i % 5),
        "post": "工程师",
        "grade": ("优秀", "合格")[i % 2],
        "assessor": "潍坊华东机械制造有限公司",
    }


def work_item(i, count):
    """A year each from 1990-01, without gap; the last of `count` rows runs to now."""
    start = add_months(date(1990, 1, 1), 12 * i)
    end = "" if i == count - 1 else add_months(start, 11).strftime("%Y-%m")
    return {
        "start": start.strftime("%Y-%m"),
        "end": end,
        "unit_dept_post": f"潍坊华东机械制造有限公司/设备{i + 1}科/机械电气",
        "professional_work": "设备维修与改造",
        "position": "助理工程师",
    }


def achievement_item(i):
    """Each category in turn, every name different (the same achievement only once)."""
    common = {
        "name": f"成果{i + 1}：数控机床自动送料装置的改进",
        "date": f"{2000 + i % 25}-05-{1 + i // 25:02d}",
        "rank": "1/3",
    }
    kind = i % 5
    if kind == 0:
        return {
            **common,
            "category": "paper",
            "publisher": "《机械工程学报》",
            "reprinted_in": "无",
        }
    if kind == 1:
        return {
            **common,
            "category": "patent",
            "patent_type": "实用新型专利",
            "authority": "国家知识产权局",
        }
    if kind in (2, 3):
        category = "project" if kind == 2 else "award"
        return {**common, "category": category, "level": "市厅级", "authority": "潍坊市人民政府"}
    return {**common, "category": "other", "authority": "潍坊市科学技术局"}


def items(code, count):
    """`count` rows of an engineering row section, each accepted by the form on its own."""
    if code == "work_experience":
        return [work_item(i, count) for i in range(count)]
    item = {
        "titles": title_item,
        "admin_posts": admin_post_item,
        "assessments": assessment_item,
        "achievements": achievement_item,
    }[code]
    return [item(i) for i in range(count)]


# ---------------------------------------------------------------- values of each plan


def _declaration_info(declaration, unit, **values):
    plan = declaration.plan
    return {
        "year": str(plan.year),
        "title": str(Title.objects.get(series=plan.series, level=plan.level).pk),
        "exception_kind": "",
        "declaring_unit": str(unit.pk),
        # A county HR bureau is the declaring unit of freelancers (个人代理, S0 二.3(5)).
        "is_work_unit": PERSONAL_AGENCY if is_personal_agency_bureau(unit) else "是",
        "work_unit": "",
        "entrusted_review": "否",
        **values,
    }


def basic_info(applicant):
    """基本信息 as entered (and stored: plain text)."""
    return {
        "phone": applicant.phone or "13912345678",
        "email": f"{applicant.username}@example.com",
        "ethnicity": "汉族",
    }


# The degree of each demo series: school, major, graduation date, 学信网 online check code.
EDUCATION = {
    ENGINEERING: ("山东大学", "机械工程", "2012-06-30", "A1B2C3D4E5F6G7H8"),
    CULTURE: ("山东艺术学院", "舞蹈学", "2016-06-30", "M2N3P4Q5R6S7T8U9"),
}


def education(school, major, graduated_on, chsi_code):
    """A domestic bachelor's degree, full-time, which is also the degree the review is based on."""
    return {
        "full_time_school": school,
        "full_time_major": major,
        "full_time_education": "大学本科",
        "full_time_degree": "学士",
        "full_time_graduated_on": graduated_on,
        "full_time_origin": "国内",
        "full_time_chsi_code": chsi_code,
        "same_as_full_time": "on",
    }


def _engineering_singles(declaration, unit):
    return {
        "basic_info": basic_info(declaration.applicant),
        "declaration_info": _declaration_info(
            declaration,
            unit,
            ranking="",
            specialty="",
            method=str(DeclarationMethod.objects.get(code="normal").pk),
            first_work_date="2015-07-01",
            professional_years="10",
        ),
        "education": education(*EDUCATION[ENGINEERING]),
        "language_computer": {"foreign_language": "大学英语四级", "computer_level": "无"},
        "performance": {"text": "负责设备维修与技术改造，完成数控产线改造三项。"},
        "societies": {"text": "中国机械工程学会会员"},
        "other": {"note": ""},
    }


def _culture_singles(declaration, unit):
    plan = declaration.plan
    return {
        "basic_info": basic_info(declaration.applicant),
        "declaration_info": _declaration_info(
            declaration,
            unit,
            # The culture plan requires the unit's ranking: 1st of the 2 people it recommends.
            ranking="1/2",
            specialty=str(Specialty.objects.get(series=plan.series, name="舞蹈").pk),
            method=str(DeclarationMethod.objects.get(code="normal").pk),
            first_work_date="2016-07-01",
            professional_years="10",
        ),
        "education": education(*EDUCATION[CULTURE]),
        # Certificates by name: the plan refuses vague words such as "熟练" or "良好".
        "language_computer": {
            "foreign_language": "大学英语四级证书",
            "computer_level": "全国计算机等级考试二级证书",
        },
        "performance": {
            "text": "负责社区广场舞和少儿舞蹈辅导，年均开展公益培训三十余场；"
            "创编群舞作品四部，组织“海滨之夏”群众文艺演出十二场。"
        },
        "societies": {"text": "威海市舞蹈家协会会员"},
        "other": {"note": ""},
    }


def _culture_rows(declaration):
    plan = declaration.plan
    culture = str(plan.series_id)
    return {
        # 管理员 (员级, within 初级) of the same series: a normal promotion to 助理馆员.
        "titles": [
            {
                "level": str(plan.level_id),
                "series": culture,
                "title": "管理员",
                "obtained_on": "2019-09-01",
                "appointed_on": "2019-10-01",
            }
        ],
        "admin_posts": [],
        "assessments": [
            {
                "year": str(plan.year - back),
                "post": "管理员",
                "grade": grade,
                "assessor": "威海市环翠区文化馆",
            }
            for back, grade in ((3, "合格"), (2, "优秀"), (1, "合格"))
        ],
        "work_experience": [
            {
                "start": "2016-07",
                "end": "2018-12",
                "unit_dept_post": "威海市文登区文化馆/文艺部/舞蹈辅导",
                "professional_work": "群众舞蹈辅导",
                "position": "无",
            },
            {
                "start": "2019-01",
                "end": "",
                "unit_dept_post": "威海市环翠区文化馆/群众文化部/舞蹈编导",
                "professional_work": "群众舞蹈创编与辅导",
                "position": "管理员",
            },
        ],
        # The culture plan has no patents: an award.
        "achievements": [
            {
                "category": "award",
                "name": "获奖：群舞《渔家女》获山东省群众文化“群星奖”三等奖",
                "date": "2024-06-15",
                "rank": "1/4",
                "level": "省部级",
                "authority": "山东省文化和旅游厅",
            }
        ],
    }


def _series_code(declaration):
    code = declaration.plan.series.code
    if code not in (ENGINEERING, CULTURE):
        raise ValueError(f"no demo values for the series {code!r}")
    return code


def single_values(declaration, unit):
    """Valid input of every single-form section of the declaration's plan; `unit` is the
    declaring unit."""
    if _series_code(declaration) == CULTURE:
        return _culture_singles(declaration, unit)
    return _engineering_singles(declaration, unit)


def row_values(declaration, code, rows=1):
    """Valid rows of a row section: `rows` of each for the engineering plan, the culture plan's
    own rows (a fixed number) for the culture plan."""
    if _series_code(declaration) == CULTURE:
        return _culture_rows(declaration)[code]
    return items(code, rows)


# ---------------------------------------------------------------- saving, uploading


def _valid(form, code):
    if not form.is_valid():
        errors = form.errors
        if hasattr(form, "non_form_errors"):
            errors = [errors, form.non_form_errors()]
        raise ValueError(f"the demo values of {code} are refused: {errors}")
    return form


def save_sections(declaration, unit, rows=1):
    """Save every enabled section with valid values, through its form, as the applicant."""
    actor = declaration.applicant
    enabled = {s.code for s in declaration.plan.sections.all() if s.enabled}
    for code, values in single_values(declaration, unit).items():
        if code not in enabled:
            continue
        form = _valid(bound(declaration, code, prefixed(code, values)), code)
        extra = {}
        if code == "declaration_info":
            extra["declaring_unit"] = form.cleaned_data["declaring_unit"]
        services.save_section(
            actor=actor, declaration=declaration, code=code, data=form.to_data(), **extra
        )
    for code in ROW_SECTIONS:
        if code not in enabled:
            continue
        formset = _valid(
            bound(declaration, code, rows_data(code, row_values(declaration, code, rows))), code
        )
        services.save_section(
            actor=actor, declaration=declaration, code=code, data=formset.to_data()
        )


def upload_valid(declaration, slot, name=None):
    """Upload a file the slot accepts (the photo for a photo slot, else a one-page PDF scan) and
    run its check now, as the worker would after commit."""
    if slot.is_photo:
        file = SimpleUploadedFile(name or f"{slot.name}.jpg", photo(), "image/jpeg")
    else:
        file = SimpleUploadedFile(name or f"{slot.name}.pdf", scan(), "application/pdf")
    attachment = attachment_services.upload_attachment(
        actor=declaration.applicant, declaration=declaration, slot=slot, uploaded_file=file
    )
    return attachment_services.check_attachment(attachment_id=attachment.pk)


def upload_required_files(declaration):
    """One valid file in every slot of the plan's enabled sections that needs one now: the
    required slots and those required by a condition the saved sections meet (聘书 once a
    聘任时间 is filled, 任命文件 for an administrative post, …)."""
    for slot in attachment_selectors.required_slots(declaration):
        attachment = upload_valid(declaration, slot)
        if attachment.status != Attachment.Status.VALID:
            raise ValueError(f"the demo file of {slot.code} is refused: {attachment.reason}")


def fill_declaration(declaration, unit, rows=1, files=True) -> Declaration:
    """Every enabled section saved with valid values (`unit` the declaring unit) and, unless
    files=False, a valid file in each required slot: complete, ready to submit. The plan must be
    open and the declaration editable (a draft, or returned)."""
    save_sections(declaration, unit, rows=rows)
    if files:
        upload_required_files(declaration)
    declaration.refresh_from_db()
    return declaration
