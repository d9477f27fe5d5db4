"""Every write on declarations: create, save a section, submit, withdraw.

Each transition locks the declaration row, checks the state against TRANSITIONS (the same table
decides which buttons a page shows), saves only the fields it changes, writes an append-only
DeclarationEvent and schedules notifications after commit.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from applicants.services import has_agreed_commitment
from attachments.models import Attachment
from declarations.models import (
    AttachmentSlot,
    Declaration,
    DeclarationEvent,
    DeclarationSection,
    DeclarationStatus,
    Plan,
    Submission,
)
from declarations.sections import SECTIONS

S = DeclarationStatus


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset
    target: str
    by_applicant: bool = True


TRANSITIONS = {
    "submit": Transition(_l("提交申报"), frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED),
    "withdraw": Transition(_l("撤回申报"), frozenset({S.SUBMITTED}), S.DRAFT),
}


def available_actions(declaration: Declaration, user) -> list[str]:
    """Transitions this user may take now; pages show exactly these buttons."""
    actions = []
    if user.pk != declaration.applicant_id:
        return actions
    for name, transition in TRANSITIONS.items():
        if transition.by_applicant and declaration.status in transition.sources:
            if name == "withdraw" and declaration.review_started_at is not None:
                continue
            actions.append(name)
    return actions


def _lock(declaration: Declaration) -> Declaration:
    return (
        # Lock only the declaration row: locking the joined plan would make every submission
        # to the same plan wait for each other at the deadline.
        Declaration.objects.select_for_update(of=("self",))
        .select_related("plan", "applicant")
        .get(pk=declaration.pk)
    )


def _check(declaration: Declaration, action: str, actor) -> Transition:
    transition = TRANSITIONS[action]
    if transition.by_applicant and actor.pk != declaration.applicant_id:
        raise PermissionDenied(_("只能操作本人的申报。"))
    if declaration.status not in transition.sources:
        raise ValidationError(
            _("当前状态为“%(s)s”，不能%(a)s。")
            % {"s": declaration.get_status_display(), "a": transition.label}
        )
    return transition


def _record(declaration, *, action, actor, from_status, reason="", organization=None, **details):
    return DeclarationEvent.objects.create(
        declaration=declaration,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=declaration.status,
        organization=organization,
        reason=reason,
        details=details,
    )


def _require_open(plan: Plan):
    now = timezone.now()
    if now < plan.opens_at:
        raise ValidationError(
            _("申报计划尚未开始，开始时间为 %(t)s。")
            % {"t": timezone.localtime(plan.opens_at).strftime("%Y-%m-%d %H:%M")}
        )
    if now > plan.closes_at:
        raise ValidationError(
            _("申报计划已于 %(t)s 截止。")
            % {"t": timezone.localtime(plan.closes_at).strftime("%Y-%m-%d %H:%M")}
        )


@transaction.atomic
def create_declaration(*, actor, plan: Plan) -> Declaration:
    if not actor.is_personal:
        raise PermissionDenied(_("只有个人账号可以申报职称。"))
    if not has_agreed_commitment(actor):
        raise ValidationError(_("请先阅读并同意《职称申报承诺书》。"))
    _require_open(plan)
    if Declaration.objects.filter(applicant=actor, plan=plan).exists():
        raise ValidationError(_("您已有该计划的申报，不能重复新增。"))
    clash = (
        Declaration.objects.filter(
            applicant=actor, plan__year=plan.year, plan__series_id=plan.series_id
        )
        .exclude(status=S.REJECTED)
        .select_related("plan__level", "plan__region")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("同一年度同一系列只能有一个有效申报，您已有“%(p)s”。") % {"p": clash.plan}
        )
    try:
        with transaction.atomic():
            declaration = Declaration.objects.create(applicant=actor, plan=plan)
    except IntegrityError:
        raise ValidationError(_("您已有该计划的申报，不能重复新增。")) from None
    _record(declaration, action="create", actor=actor, from_status=S.DRAFT)
    return declaration


@transaction.atomic
def save_section(
    *, actor, declaration: Declaration, code: str, data: dict, declaring_unit=None
) -> DeclarationSection:
    """Store one section's cleaned data; other sections are untouched."""
    declaration = _lock(declaration)
    if actor.pk != declaration.applicant_id:
        raise PermissionDenied(_("只能修改本人的申报。"))
    if not declaration.is_editable:
        raise ValidationError(
            _("申报已提交（%(s)s），不能修改。") % {"s": declaration.get_status_display()}
        )
    _require_open(declaration.plan)
    if code not in SECTIONS or SECTIONS[code].kind == "readonly":
        raise ValidationError(_("该模块不能编辑。"))
    section, _created = DeclarationSection.objects.update_or_create(
        declaration=declaration, code=code, defaults={"data": data}
    )
    if code == "declaration_info" and declaring_unit is not None:
        declaration.declaring_unit = declaring_unit
        declaration.save(update_fields=["declaring_unit", "updated_at"])
    else:
        declaration.save(update_fields=["updated_at"])
    return section


def _section_problems(declaration, plan_section, data) -> list[str]:
    """Re-check saved data with the section's form under the plan as it is configured now."""
    from declarations.forms import SECTION_FORMS, form_for_section
    from declarations.forms.base import saved_to_post

    if plan_section.code not in SECTION_FORMS:
        return []
    is_rows = SECTIONS[plan_section.code].kind == "rows"
    form = form_for_section(
        plan_section.code,
        declaration=declaration,
        plan_section=plan_section,
        data=saved_to_post(plan_section.code, data, rows=is_rows),
    )
    if form.is_valid():
        return []

    def field_messages(one_form, prefix=""):
        messages = []
        for name, errors in one_form.errors.items():
            field = one_form.fields.get(name)
            label = f"{field.label}：" if field is not None and field.label else ""
            messages.extend(f"{prefix}{label}{error}" for error in errors)
        return messages

    if not is_rows:
        return field_messages(form)
    problems = list(form.non_form_errors())
    for index, row in enumerate(form.forms):
        problems.extend(field_messages(row, _("第%(n)d条 ") % {"n": index + 1}))
    return problems


def _slot_problems(declaration, enabled) -> dict[int, list[str]]:
    """Attachment problems by plan section id: each required slot without a valid file, and
    each slot with a file still being checked. Two queries for the whole declaration."""
    slots = list(
        AttachmentSlot.objects.filter(plan_section__in=[s.pk for s in enabled]).order_by(
            "sort_order", "pk"
        )
    )
    if not slots:
        return {}
    statuses: dict[int, set[str]] = {}
    for slot_id, status in Attachment.objects.filter(declaration_id=declaration.pk).values_list(
        "slot_id", "status"
    ):
        statuses.setdefault(slot_id, set()).add(status)
    problems: dict[int, list[str]] = {}
    for slot in slots:
        found = statuses.get(slot.pk, set())
        if Attachment.Status.CHECKING in found:
            message = _("“%(slot)s”：文件检查中，请稍候") % {"slot": slot.name}
        elif slot.required and Attachment.Status.VALID not in found:
            if Attachment.Status.REJECTED in found:
                message = _("“%(slot)s”的文件不合格，请重新上传") % {"slot": slot.name}
            else:
                message = _("请上传“%(slot)s”") % {"slot": slot.name}
        else:
            continue
        problems.setdefault(slot.plan_section_id, []).append(message)
    return problems


def missing_items(declaration: Declaration) -> list[dict]:
    """Everything that stops submission, each with the section it belongs to: sections never
    saved, row sections with too few rows, saved data that no longer passes its form (the
    plan's configuration may have changed since, or the data was copied from elsewhere),
    required attachment slots without a valid file, and files still being checked."""
    enabled = [
        s
        for s in declaration.plan.sections.all()
        if s.enabled and s.code in SECTIONS and SECTIONS[s.code].kind != "readonly"
    ]
    saved = {s.code: s.data for s in declaration.section_data.all()}
    slot_problems = _slot_problems(declaration, enabled)
    missing = []
    for plan_section in sorted(enabled, key=lambda s: s.sort_order):
        spec = SECTIONS[plan_section.code]
        missing.extend(_data_problems(declaration, plan_section, spec, saved.get(spec.code)))
        missing.extend(
            {"section": spec.code, "title": spec.title, "message": message}
            for message in slot_problems.get(plan_section.pk, [])
        )
    if declaration.declaring_unit_id is None and "declaration_info" in saved:
        missing.append(
            {
                "section": "declaration_info",
                "title": SECTIONS["declaration_info"].title,
                "message": _("请选择申报单位"),
            }
        )
    return missing


def _data_problems(declaration, plan_section, spec, data) -> list[dict]:
    if data is None:
        return [{"section": spec.code, "title": spec.title, "message": _("尚未填写并保存")}]
    if spec.kind == "rows" and len(data.get("rows", [])) < spec.min_rows:
        return [
            {
                "section": spec.code,
                "title": spec.title,
                "message": _("至少需要填写%(n)d条") % {"n": spec.min_rows},
            }
        ]
    return [
        {"section": spec.code, "title": spec.title, "message": problem}
        for problem in _section_problems(declaration, plan_section, data)
    ]


def snapshot_attachments(declaration: Declaration) -> list[dict]:
    """The files of the declaration as submitted: what each round's snapshot records."""
    return [
        {
            "section": section_code,
            "slot": slot_code,
            "name": name,
            "sha256": sha256,
            "size": size,
            "status": status,
        }
        for section_code, slot_code, name, sha256, size, status in Attachment.objects.filter(
            declaration_id=declaration.pk
        )
        .order_by("slot__plan_section__sort_order", "slot__sort_order", "created_at", "pk")
        .values_list(
            "slot__plan_section__code", "slot__code", "original_name", "sha256", "size", "status"
        )
    ]


def build_snapshot(declaration: Declaration) -> dict:
    applicant = declaration.applicant
    return {
        "plan": {"id": declaration.plan_id, "name": str(declaration.plan)},
        "applicant": {
            "name": applicant.name,
            "id_number": applicant.id_number,
            "id_type": applicant.id_type,
            "phone": applicant.phone,
            "birth_date": applicant.birth_date.isoformat() if applicant.birth_date else None,
            "gender": applicant.gender,
        },
        "declaring_unit": declaration.declaring_unit_id,
        "sections": {s.code: s.data for s in declaration.section_data.order_by("code")},
        "attachments": snapshot_attachments(declaration),
    }


@transaction.atomic
def submit_declaration(*, actor, declaration: Declaration) -> Declaration:
    declaration = _lock(declaration)
    transition = _check(declaration, "submit", actor)
    _require_open(declaration.plan)
    missing = missing_items(declaration)
    if missing:
        raise ValidationError(
            _("还有%(n)d项未完成，请先补充：%(items)s")
            % {
                "n": len(missing),
                "items": "；".join(f"{m['title']}（{m['message']}）" for m in missing),
            }
        )
    unit = declaration.declaring_unit
    if unit is None or not unit.is_authorized:
        raise ValidationError(_("所选申报单位尚未获得职称评审权限，请联系单位。"))
    from_status = declaration.status
    now = timezone.now()
    declaration.round += 1
    declaration.status = transition.target
    declaration.holder = unit
    declaration.submitted_at = now
    declaration.review_started_at = None
    declaration.save(
        update_fields=[
            "round",
            "status",
            "holder",
            "submitted_at",
            "review_started_at",
            "updated_at",
        ]
    )
    Submission.objects.create(
        declaration=declaration,
        round=declaration.round,
        submitted_at=now,
        snapshot=build_snapshot(declaration),
    )
    from review.services import receive_submission

    receive_submission(declaration=declaration)
    _record(
        declaration,
        action="submit",
        actor=actor,
        from_status=from_status,
        organization=unit,
        round=declaration.round,
    )
    return declaration


REUSABLE_SECTIONS = ("education", "titles", "work_experience", "achievements")


def previous_declaration(declaration: Declaration) -> Declaration | None:
    """The applicant's latest other declaration with something worth copying."""
    return (
        Declaration.objects.filter(
            applicant_id=declaration.applicant_id, section_data__code__in=REUSABLE_SECTIONS
        )
        .exclude(pk=declaration.pk)
        .select_related("plan__series", "plan__level", "plan__region")
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def reuse_previous(*, actor, declaration: Declaration) -> tuple[list[str], list[str]]:
    """Copy education, titles, work experience and achievements from the previous declaration.

    Each copied section is validated again under this plan's rules; a section that no longer
    passes is not copied and is named so the applicant fills it in. Returns (copied, refused).
    """
    from declarations.forms import form_for_section
    from declarations.forms.base import saved_to_post

    declaration = _lock(declaration)
    if actor.pk != declaration.applicant_id:
        raise PermissionDenied(_("只能修改本人的申报。"))
    if not declaration.is_editable:
        raise ValidationError(_("申报已提交，不能修改。"))
    _require_open(declaration.plan)
    source = previous_declaration(declaration)
    if source is None:
        raise ValidationError(_("没有可复用的以往申报。"))
    plan_sections = {s.code: s for s in declaration.plan.sections.all() if s.enabled}
    copied, refused = [], []
    for section in source.section_data.filter(code__in=REUSABLE_SECTIONS).order_by("code"):
        plan_section = plan_sections.get(section.code)
        if plan_section is None:
            continue
        is_rows = SECTIONS[section.code].kind == "rows"
        form = form_for_section(
            section.code,
            declaration=declaration,
            plan_section=plan_section,
            data=saved_to_post(section.code, section.data, rows=is_rows),
        )
        if not form.is_valid():
            refused.append(section.code)
            continue
        DeclarationSection.objects.update_or_create(
            declaration=declaration, code=section.code, defaults={"data": form.to_data()}
        )
        copied.append(section.code)
    _record(
        declaration,
        action="reuse",
        actor=actor,
        from_status=declaration.status,
        source=source.pk,
        copied=copied,
        refused=refused,
    )
    return copied, refused


@transaction.atomic
def withdraw_declaration(*, actor, declaration: Declaration) -> Declaration:
    declaration = _lock(declaration)
    _check(declaration, "withdraw", actor)
    if declaration.review_started_at is not None:
        raise ValidationError(_("单位已开始审核，不能撤回。如需修改请联系单位退回。"))
    from_status = declaration.status
    holder = declaration.holder
    declaration.status = TRANSITIONS["withdraw"].target
    declaration.holder = None
    declaration.save(update_fields=["status", "holder", "updated_at"])
    from review.services import withdraw_submission

    withdraw_submission(declaration=declaration, organization_id=holder.pk)
    _record(
        declaration, action="withdraw", actor=actor, from_status=from_status, organization=holder
    )
    return declaration
