"""The catalog (levels, series, titles, specialties, declaration methods, qualifications) and the
two demo plans, which differ on purpose. seed_demo, the benchmark and the tests' fixtures
(tests/plan_fixtures.py) load them with these functions."""

from datetime import datetime
from zoneinfo import ZoneInfo

from catalog.models import (
    DeclarationMethod,
    Level,
    ProfessionalQualification,
    Series,
    Specialty,
    Title,
)
from declarations import slot_conditions
from declarations.models import AchievementCategory, AttachmentSlot, Plan, PlanSection
from declarations.sections import SECTION_LIST

LEVELS = [
    ("junior", "初级", 1),
    ("intermediate", "中级", 2),
    ("deputy_senior", "副高级", 3),
    ("senior", "正高级", 4),
]
SERIES = [
    ("engineering", "工程技术", 1),
    ("mass_culture", "群众文化", 2),
    ("library", "图书资料", 3),
    ("cultural_relics", "文物博物", 4),
    ("art", "艺术", 5),
    ("fine_art", "美术", 6),
]
TITLES = {
    "engineering": [
        ("junior", "技术员"),
        ("junior", "助理工程师"),
        ("intermediate", "工程师"),
        ("deputy_senior", "高级工程师"),
        ("senior", "正高级工程师"),
    ],
    "mass_culture": [
        ("junior", "助理馆员"),
        ("intermediate", "馆员"),
        ("deputy_senior", "副研究馆员"),
        ("senior", "研究馆员"),
    ],
    "library": [("junior", "助理馆员"), ("intermediate", "馆员")],
    "cultural_relics": [("junior", "助理馆员"), ("intermediate", "馆员")],
    "art": [("junior", "三级演员"), ("intermediate", "二级演员")],
    "fine_art": [("junior", "三级美术师"), ("intermediate", "二级美术师")],
}
SPECIALTIES = {
    "engineering": [
        "电力工程",
        "电子信息",
        "纺织工程",
        "化工工程",
        "机械电气",
        "节能工程",
        "汽车工程",
        "轻工工程",
        "人工智能",
        "设备动力",
        "食品工程",
        "云计算",
        "制冷空调",
    ],
    "mass_culture": ["舞蹈", "音乐", "戏剧", "美术", "文学", "群众文化活动组织"],
}
# (code, name, needs 破格情况, may declare with no current title). Anyone without a title
# declares under 正常晋升 with "无" (S0 二.4(1), S1 三.10(1)); 改系列 and the like build on a title.
METHODS = [
    ("normal", "正常晋升", False, True),
    ("exceptional", "破格", True, False),
    ("change_series", "改系列", False, False),
    ("composite", "复合型人才评审", False, False),
    ("high_level", "高层次人才直评", False, True),
    ("exchange", "非企事业单位人员交流到企事业单位人员", False, False),
    ("high_skill", "高技能人才贯通", False, True),
]
QUALIFICATIONS = [
    ("一级建造师", "engineering", "intermediate"),
    ("二级建造师", "engineering", "junior"),
    ("注册安全工程师", "engineering", "intermediate"),
    ("社会工作师", "mass_culture", "intermediate"),
]

# section code -> [(slot code, name, hint, required, multiple, is_photo)]
COMMON_SLOTS = {
    "basic_info": [
        ("identity", "身份信息", "身份证正反面或护照主要信息页置于一张图片内", True, False, False),
        (
            "photo",
            "照片",
            "近期白底证件照，用于电子职称证书",
            True,
            False,
            True,
        ),
    ],
    "education": [
        (
            "education_record",
            "学历证书电子注册备案表",
            "学信网《教育部学历证书电子注册备案表》；无法查验的上传学历证书等",
            True,
            True,
            False,
        ),
        ("degree_report", "学位认证报告", "2008年9月以后授予的国内学位须上传", False, True, False),
    ],
    "titles": [
        (
            "title_certificate",
            "现专业技术职务资格证书",
            "或职业资格证书；无现专业技术职称的不必上传",
            True,
            True,
            False,
        ),
        (
            "appointment",
            "聘书或聘任文件",
            "初聘和现聘聘书须上传，与聘任年限相符",
            False,
            True,
            False,
        ),
    ],
    "admin_posts": [
        ("post_documents", "任命文件", "行政职务任命文件等佐证材料", False, True, False)
    ],
    "assessments": [
        ("assessment_forms", "年度考核表", "近五年年度考核表或档案部门证明", True, True, False),
    ],
    "language_computer": [("certificates", "外语/计算机证书", "", False, True, False)],
    "work_experience": [
        (
            "special_experience",
            "特殊经历佐证材料",
            "援外、援藏、援疆、援青等经历",
            False,
            True,
            False,
        ),
    ],
    "achievements": [
        (
            "achievement_materials",
            "成果材料",
            "期刊封面、目录、正文，证书、立项或鉴定文件等原件扫描件；未填写成果的不必上传",
            True,
            True,
            False,
        ),
    ],
    "societies": [("society_proof", "学术团体佐证材料", "聘书等", False, True, False)],
    "other": [
        (
            "other_attachments",
            "其他附件",
            "系统中无对应栏目的材料，按“时间+内容”命名",
            False,
            True,
            False,
        )
    ],
}


# Slots needed only when the declaration says so (按条件必传), after the common ones of their
# section: section code -> [(slot code, name, hint, required, multiple, is_photo)].
CONDITIONAL_SLOTS = {
    "declaration_info": [
        (
            "exceptional_approval",
            "破格推荐审批表",
            "《破格推荐 级专业技术职务任职资格审批表》，经所在单位、主管部门和人事部门签署意见",
            False,
            False,
            False,
        ),
        (
            "post_information",
            "事业单位人员职称申报岗位信息表",
            "《事业单位人员职称申报岗位信息表》，经主管部门或人力社保部门盖章",
            False,
            False,
            False,
        ),
    ],
    "titles": [
        (
            "transfer_confirmation",
            "外地调入人员专业技术职务资格审核确认登记表",
            "在外地取得职称、调入后已办理调入认定手续的上传",
            False,
            True,
            False,
        ),
        (
            "skill_certificate",
            "技师证书等相关材料",
            "以高技能人才、高层次人才身份申报的，上传技师证书、鸢都惠才卡等相关材料原件",
            False,
            True,
            False,
        ),
    ],
    "admin_posts": [
        (
            "dual_role_approval",
            "事业单位专业技术岗位兼职审批表",
            "“双肩挑”人员按干部人事管理权限审批的兼职（备案）审批表",
            False,
            False,
            False,
        ),
    ],
}
# slot code -> (condition section, fields, operator, value): the seeds' rules (see
# declarations.slot_conditions for where each comes from).
SLOT_CONDITIONS = {
    "exceptional_approval": ("declaration_info", "exception_kind", "filled", ""),
    "post_information": ("declaration_info", "public_institution_staff", "filled", ""),
    "degree_report": (
        "education",
        "full_time_degree_on,review_degree_on",
        "date_from",
        "2008-09-01",
    ),
    "appointment": ("titles", "appointed_on", "filled", ""),
    "transfer_confirmation": ("titles", "transferred_in", "filled", ""),
    "skill_certificate": ("declaration_info", "method", "equals", "高技能人才贯通,高层次人才直评"),
    "post_documents": ("admin_posts", "post", "filled", ""),
    "dual_role_approval": ("admin_posts", "dual_role", "filled", ""),
    "special_experience": ("work_experience", "special_experience", "filled", ""),
}
NO_CONDITION = ("", "", "", "")


def _shanghai(*args):
    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


# The demo plans take returned declarations for a month after they close.
RESUBMIT_UNTIL = _shanghai(2027, 2, 28, 17, 0)


def _merge(model, keys, rows, *, update=(), existing=None, prepare=None) -> tuple[dict, bool]:
    """update_or_create for many rows at once: rows are {attname: value} with the key fields
    (keys) and the others; a missing row is created with them all (one INSERT for all), an
    existing one gets the fields in `update` that differ (one UPDATE per field set), so a second
    load changes nothing. prepare(obj) runs on every row before it is compared or written (what
    the model's save() would compute). Returns ({key: obj}, whether any row was written); saves
    send no signal, so a caller that wrote rows gives the configuration a new version itself.
    A query or two per model instead of three or four per row: the tests' plan fixtures load
    the catalog and two plans for most tests."""
    found = {
        tuple(getattr(obj, k) for k in keys): obj
        for obj in (existing if existing is not None else model.objects.all())
    }
    result, missing, changed = {}, [], []
    for row in rows:
        key = tuple(row[k] for k in keys)
        obj = found.get(key)
        if obj is None:
            obj = model(**row)
            if prepare:
                prepare(obj)
            missing.append(obj)
        else:
            before = {f: getattr(obj, f) for f in update}
            for f in update:
                setattr(obj, f, row[f])
            if prepare:
                before["condition_values"] = obj.condition_values
                prepare(obj)
            if any(getattr(obj, f) != value for f, value in before.items()):
                changed.append(obj)
        result[key] = obj
    if missing:
        model.objects.bulk_create(missing)
    if changed:
        fields = [*update, *(["condition_values"] if prepare else [])]
        model.objects.bulk_update(changed, fields)
    return result, bool(missing or changed)


def _new_config_version() -> None:
    # What the post_save receiver does for each saved catalog row, plan section and slot
    # (declarations.apps): once for the rows written together.
    from declarations.services import new_config_version

    new_config_version()


def load_levels_and_series() -> tuple[dict, dict]:
    """The demo levels and series (names and order brought back to the demo's); returns
    ({code: Level}, {code: Series})."""
    levels, written_levels = _merge(
        Level,
        ["code"],
        [{"code": code, "name": name, "rank": rank} for code, name, rank in LEVELS],
        update=["name", "rank"],
    )
    series, written_series = _merge(
        Series,
        ["code"],
        [{"code": code, "name": name, "sort_order": order} for code, name, order in SERIES],
        update=["name", "sort_order"],
    )
    if written_levels or written_series:
        _new_config_version()
    return {k[0]: v for k, v in levels.items()}, {k[0]: v for k, v in series.items()}


def load_catalog():
    """Titles, specialties, declaration methods and qualifications of the demo series (which
    must exist: load_levels_and_series)."""
    series = {s.code: s.pk for s in Series.objects.all()}
    levels = {level.code: level.pk for level in Level.objects.all()}
    written = [
        _merge(
            Title,
            ["series_id", "level_id", "name"],
            [
                {"series_id": series[series_code], "level_id": levels[level_code], "name": name}
                for series_code, titles in TITLES.items()
                for level_code, name in titles
            ],
        )[1],
        _merge(
            Specialty,
            ["series_id", "name"],
            [
                {"series_id": series[series_code], "name": name, "sort_order": order}
                for series_code, names in SPECIALTIES.items()
                for order, name in enumerate(names)
            ],
            update=["sort_order"],
        )[1],
        _merge(
            DeclarationMethod,
            ["code"],
            [
                {
                    "code": code,
                    "name": name,
                    "sort_order": order,
                    "requires_exception_kind": exception,
                    "allows_no_current_title": no_title,
                }
                for order, (code, name, exception, no_title) in enumerate(METHODS)
            ],
            update=["name", "sort_order", "requires_exception_kind", "allows_no_current_title"],
        )[1],
        _merge(
            ProfessionalQualification,
            ["name"],
            [
                {
                    "name": name,
                    "series_id": series[series_code],
                    "level_id": levels[level_code],
                }
                for name, series_code, level_code in QUALIFICATIONS
            ],
            update=["series_id", "level_id"],
        )[1],
    ]
    if any(written):
        _new_config_version()


def _resolve_condition(slot) -> None:
    # AttachmentSlot.save()'s, for the slots written in bulk; a bad condition fails loudly.
    slot.condition_values = slot_conditions.resolve(slot)


def configure_sections(plan, extra_slots=None, min_rows=None):
    """A section for each of SECTION_LIST, with the common attachment slots and the plan's
    extra ones ({section code: [slot]}), and the plan's own row minimums ({section code: n};
    the others keep the section's default)."""
    extra_slots = extra_slots or {}
    min_rows = min_rows or {}
    sections, written_sections = _merge(
        PlanSection,
        ["code"],
        [
            {
                "plan_id": plan.pk,
                "code": spec.code,
                "sort_order": order,
                "min_rows": min_rows.get(spec.code),
            }
            for order, spec in enumerate(SECTION_LIST)
        ],
        update=["min_rows"],
        existing=PlanSection.objects.filter(plan=plan),
    )
    rows = []
    for spec in SECTION_LIST:
        slots = (
            COMMON_SLOTS.get(spec.code, [])
            + CONDITIONAL_SLOTS.get(spec.code, [])
            + extra_slots.get(spec.code, [])
        )
        for slot_order, (code, name, hint, required, multiple, is_photo) in enumerate(slots):
            condition = SLOT_CONDITIONS.get(code, NO_CONDITION)
            rows.append(
                {
                    "plan_section_id": sections[(spec.code,)].pk,
                    "code": code,
                    "name": name,
                    "hint": hint,
                    "required": required,
                    "multiple": multiple,
                    "is_photo": is_photo,
                    "sort_order": slot_order,
                    "condition_section": condition[0],
                    "condition_field": condition[1],
                    "condition_operator": condition[2],
                    "condition_value": condition[3],
                }
            )
    _, written_slots = _merge(
        AttachmentSlot,
        ["plan_section_id", "code"],
        rows,
        update=[f for f in rows[0] if f not in ("plan_section_id", "code")] if rows else [],
        existing=AttachmentSlot.objects.filter(plan_section__plan=plan),
        prepare=_resolve_condition,
    )
    if written_sections or written_slots:
        _new_config_version()


def engineering_plan(region, committee, *, year=2026, opens_at=None, closes_at=None) -> Plan:
    """工程技术 中级 of the region: every achievement category, no unit ranking, every
    declaration method, 90 hours of continuing education in 5 years, a 社保明细 slot in 基本信息.
    The demo's opens 2026-10-01 and closes 2027-01-31 17:00 (Asia/Shanghai); a returned
    declaration may be resubmitted until 2027-02-28 17:00."""
    methods = DeclarationMethod.objects.all()
    plan, _ = Plan.objects.update_or_create(
        year=year,
        series=Series.objects.get(code="engineering"),
        level=Level.objects.get(code="intermediate"),
        region=region,
        defaults={
            "committee": committee,
            "opens_at": opens_at or _shanghai(2026, 10, 1),
            "closes_at": closes_at or _shanghai(2027, 1, 31, 17, 0),
            "resubmit_until": None if closes_at else RESUBMIT_UNTIL,
            "achievement_categories": [c.value for c in AchievementCategory],
            "ranking_required": False,
            "vague_words": "",
            "ce_hours_required": 90,
            "ce_years": 5,
        },
    )
    plan.methods.set(methods)
    configure_sections(
        plan,
        {
            "basic_info": [
                ("social_security", "社保明细", "近6个月个人社保缴费明细", True, True, False)
            ],
        },
    )
    return plan


def load_plans(regions, committees):
    """2026 工程技术 中级 潍坊 and 2026 群众文化 初级 威海环翠区, which differ on purpose:
    the culture plan requires the unit ranking, refuses vague language levels, has no patents
    nor 高技能人才贯通, asks for a signed 业务工作总结 and requires no achievement (a 初级
    applicant may have none)."""
    engineering = engineering_plan(
        regions["370700"], committees["潍坊市工程技术职务资格中级评审委员会"]
    )
    methods = {m.code: m for m in DeclarationMethod.objects.all()}
    culture, _ = Plan.objects.update_or_create(
        year=2026,
        series=Series.objects.get(code="mass_culture"),
        level=Level.objects.get(code="junior"),
        region=regions["371002"],
        defaults={
            "committee": committees["威海市环翠区群众文化专业职务资格初级评审委员会"],
            "opens_at": _shanghai(2026, 10, 1),
            "closes_at": _shanghai(2027, 1, 31, 17, 0),
            "resubmit_until": RESUBMIT_UNTIL,
            "achievement_categories": [
                AchievementCategory.PAPER,
                AchievementCategory.PROJECT,
                AchievementCategory.AWARD,
                AchievementCategory.OTHER,
            ],
            "ranking_required": True,
            "vague_words": "熟练,良好,较好,一般,精通",
            "ce_hours_required": 90,
            "ce_years": 5,
        },
    )
    culture.methods.set(
        [
            methods[c]
            for c in (
                "normal",
                "exceptional",
                "change_series",
                "composite",
                "high_level",
                "exchange",
            )
        ]
    )
    configure_sections(
        culture,
        {
            "other": [
                (
                    "work_summary",
                    "业务工作总结",
                    "经单位主要负责人审核签字盖章、推荐委员会成员签字",
                    True,
                    False,
                    False,
                )
            ],
        },
        min_rows={"achievements": 0},
    )
    return engineering, culture
