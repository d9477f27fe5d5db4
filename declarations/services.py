"""Every write on declarations: create, save a section, submit, withdraw, reuse.

State changes go through declarations.workflow (one table of moves, one function that
performs them); this module adds what each step needs besides the move: completeness,
snapshots, the plan's window.
"""

import hashlib
import time
import uuid

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from applicants.services import has_agreed_commitment
from core.per_request import once_per_request, replace
from core.prepared import prepared
from declarations import hooks, kept, workflow
from declarations.models import (
    Declaration,
    DeclarationSection,
    DeclarationStatus,
    Plan,
    Submission,
)
from declarations.sections import SECTIONS
from declarations.workflow import Action

S = DeclarationStatus

APPLICANT_BUTTONS = (Action.SUBMIT, Action.WITHDRAW)


def available_actions(declaration: Declaration, user) -> list[str]:
    """The moves this user may take now; pages show exactly these buttons."""
    return workflow.available(declaration, user, APPLICANT_BUTTONS)


def _require_editable(declaration: Declaration, actor) -> None:
    """The applicant edits only their own draft or returned declaration while the plan takes
    it (a returned one until the plan's resubmission deadline: Plan.is_open_for)."""
    if actor.pk != declaration.applicant_id:
        raise PermissionDenied(_("只能修改本人的申报。"))
    refusal = workflow.edit_refusal(declaration)
    if refusal:
        raise ValidationError(refusal)


def _require_open(plan: Plan, declaration: Declaration | None = None):
    """The plan takes `declaration` now (None: a new declaration): Plan.is_open_for."""
    refusal = plan.closed_message(declaration)
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def create_declaration(*, actor, plan: Plan) -> Declaration:
    if not actor.is_personal:
        raise PermissionDenied(_("只有个人账号可以申报职称。"))
    if not has_agreed_commitment(actor):
        raise ValidationError(_("请先阅读并同意《职称申报承诺书》。"))
    _require_open(plan)
    for refusal in hooks.creation_refusals.results(actor, plan):
        if refusal:
            raise ValidationError(refusal)
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
    workflow.record(declaration, action=Action.CREATE, actor=actor)
    return declaration


@transaction.atomic
def save_section(
    *, actor, declaration: Declaration, code: str, data: dict, declaring_unit=None
) -> None:
    """Store one section's cleaned data; other sections are untouched."""
    declaration = workflow.lock(declaration)
    _require_editable(declaration, actor)
    if code not in SECTIONS or SECTIONS[code].kind == "readonly":
        raise ValidationError(_("该模块不能编辑。"))
    # The declaration's row is locked: an UPDATE, or an INSERT when the section was never
    # saved, is enough (update_or_create's SELECT and savepoint are not needed).
    now = timezone.now()
    saved = DeclarationSection.objects.filter(declaration=declaration, code=code).update(
        data=data, updated_at=now
    )
    if not saved:
        DeclarationSection.objects.create(declaration=declaration, code=code, data=data)
    if code == "declaration_info" and declaring_unit is not None:
        declaration.declaring_unit = declaring_unit
        declaration.save(update_fields=["declaring_unit", "updated_at"])
    else:
        declaration.save(update_fields=["updated_at"])


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


def _hook_problems(declaration, enabled) -> dict[int, list[str]]:
    """Problems the apps above report per plan section (attachments: files)."""
    problems: dict[int, list[str]] = {}
    for result in hooks.submission_problems.results(declaration, enabled):
        for section_id, messages in result.items():
            problems.setdefault(section_id, []).extend(messages)
    return problems


def missing_items(declaration: Declaration, *, cached: bool = False) -> list[dict]:
    """Everything that stops submission, each with the section it belongs to: sections never
    saved, row sections with too few rows, saved data that no longer passes its form (the
    plan's configuration may have changed since, or the data was copied from elsewhere),
    required attachment slots without a valid file, and files still being checked.

    cached (the overview): the saved data's problems are kept for this very state of the
    declaration (data_problems_key); the files' problems are always read now. Submission
    checks everything afresh."""
    enabled = [
        s
        for s in declaration.plan.sections.all()
        if s.enabled and s.code in SECTIONS and SECTIONS[s.code].kind != "readonly"
    ]
    rows = list(declaration.section_data.all())
    saved = {s.code: s.data for s in rows}
    for plan_section in enabled:
        # Read by the apps above (attachments): a section whose saved data has nothing to prove
        # does not need its required files.
        plan_section.needs_proof = needs_proof(plan_section.code, saved.get(plan_section.code))
    slot_problems = _hook_problems(declaration, enabled)
    keys = data_problems_keys(declaration, enabled, rows) if cached else {}
    messages = cache.get_many(list(keys.values())) if keys else {}
    messages = {code: messages[key] for code, key in keys.items() if key in messages}
    new = {}
    for plan_section in enabled:
        code = plan_section.code
        if code in messages:
            continue
        problems = _data_problems(declaration, plan_section, SECTIONS[code], saved.get(code))
        messages[code] = [str(problem["message"]) for problem in problems]
        if code in keys:
            new[keys[code]] = messages[code]
    if new:
        cache.set_many(new, DATA_PROBLEMS_TIMEOUT)
    missing = []
    for plan_section in sorted(enabled, key=lambda s: s.sort_order):
        spec = SECTIONS[plan_section.code]
        missing.extend(
            {"section": spec.code, "title": spec.title, "message": message}
            for message in messages.get(spec.code, [])
        )
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


# The saved data's problems (each saved section re-checked with its form) are kept for the
# overview, per section, under a key naming everything its check reads: the section's last save
# (and for 现专业技术职称 that of 申报信息, whose 申报方式 it reads), the declaration's fields but
# its updated_at, the applicant's, the plan's and the plan section's settings, today's date
# (dates may not be later than today), the language, and the version of the catalogs and
# organizations (config_version: a new one whenever such a row is saved or deleted). A save
# renews its own section's key only. A key is never reused for another state; entries expire
# after DATA_PROBLEMS_TIMEOUT in any case (a bulk update of a catalog sends no signal, and with
# the in-process cache another worker's signal is not seen).
DEPENDS_ON = {"titles": ("declaration_info",)}
DATA_PROBLEMS_TIMEOUT = 10 * 60
CONFIG_VERSION_KEY = "declarations:config-version"


def config_version() -> str:
    """Read once per request (core.per_request): a page asks for it for each kept row set and
    cached fragment, and one version throughout is what the page should see anyway."""
    return once_per_request(CONFIG_VERSION_KEY, _read_config_version)


def _read_config_version() -> str:
    version = cache.get(CONFIG_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(CONFIG_VERSION_KEY, version, None)
        version = cache.get(CONFIG_VERSION_KEY, version)
    return version


def new_config_version(**kwargs) -> None:
    """A catalog entry, an organization, a plan, a plan section or an upload slot changed
    (signal receiver)."""
    version = uuid.uuid4().hex
    cache.set(CONFIG_VERSION_KEY, version, None)
    replace(CONFIG_VERSION_KEY, version)


_kept_per_version: dict = {}


def kept_per_version(key, compute, *, timeout: int):
    """compute() for key, kept in this process while the configuration version stays the same,
    and timeout seconds at most: configuration rows a hot page reads on every request (the
    queue filter's series and levels, a plan's upload slots) for one cache read of the version
    instead of their queries. The caller makes sure the cache is shared (timeout > 0 only where
    every process sees the new version)."""
    version = config_version()
    if _kept_per_version.get("version") != version:
        # Every entry belongs to an older version, which no request reads again.
        _kept_per_version.clear()
        _kept_per_version["version"] = version
    now = time.monotonic()
    found = _kept_per_version.get(key)
    if found is None or found[0] < now:
        if len(_kept_per_version) > 1000:  # many plans' rows: start afresh
            _kept_per_version.clear()
            _kept_per_version["version"] = version
        found = _kept_per_version[key] = (now + timeout, compute())
    return found[1]


def forget_kept_per_version() -> None:
    """Empty this process's kept rows (tests)."""
    _kept_per_version.clear()


def _fields_of(obj) -> list:
    return [(f.attname, getattr(obj, f.attname)) for f in obj._meta.concrete_fields]


def data_problems_keys(declaration, enabled, rows) -> dict[str, str]:
    """Each enabled section's key (by code)."""
    saves = {row.code: (row.pk, row.updated_at) for row in rows}
    common = repr(
        (
            [item for item in _fields_of(declaration) if item[0] != "updated_at"],
            _fields_of(declaration.applicant),
            _fields_of(declaration.plan),
            timezone.localdate(),
            get_language(),
            config_version(),
        )
    )
    keys = {}
    for plan_section in enabled:
        code = plan_section.code
        read = [(c, saves.get(c)) for c in (code, *DEPENDS_ON.get(code, ()))]
        state = repr((common, _fields_of(plan_section), read))
        digest = hashlib.sha256(state.encode()).hexdigest()
        keys[code] = f"declarations:data-problems:{declaration.pk}:{code}:{digest}"
    return keys


def needs_proof(code: str, data: dict | None) -> bool:
    """Whether a section's saved data calls for its required files: not a row section saved
    with no row (no achievement, where the plan requires none), nor titles that say the
    applicant has no current title and no 职业资格 (nothing to prove with a certificate)."""
    from declarations.forms.history import has_no_title

    if data is None or SECTIONS.get(code) is None or SECTIONS[code].kind != "rows":
        return True
    rows = data.get("rows", [])
    if not rows:
        return False
    if code == "titles":
        return not has_no_title(rows)
    return True


def _data_problems(declaration, plan_section, spec, data) -> list[dict]:
    if data is None:
        return [{"section": spec.code, "title": spec.title, "message": _("尚未填写并保存")}]
    needed = plan_section.needed_rows
    if spec.kind == "rows" and len(data.get("rows", [])) < needed:
        return [
            {
                "section": spec.code,
                "title": spec.title,
                "message": _("至少需要填写%(n)d条") % {"n": needed},
            }
        ]
    return [
        {"section": spec.code, "title": spec.title, "message": problem}
        for problem in _section_problems(declaration, plan_section, data)
    ]


def build_snapshot(declaration: Declaration) -> dict:
    applicant = declaration.applicant
    snapshot = {
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
    }
    for part in hooks.snapshot_parts.results(declaration):
        snapshot.update(part)
    return snapshot


@transaction.atomic
def submit_declaration(*, actor, declaration: Declaration) -> Declaration:
    declaration = workflow.lock(declaration)
    # The table's guard refuses a submission the plan no longer takes (Plan.is_open_for).
    workflow.check(declaration, Action.SUBMIT, actor)
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
    now = timezone.now()
    round_ = declaration.round + 1
    workflow.perform(
        declaration,
        action=Action.SUBMIT,
        actor=actor,
        changes={
            "round": round_,
            "holder": unit,
            "submitted_at": now,
            "review_started_at": None,
        },
        details={"round": round_},
    )
    Submission.objects.create(
        declaration=declaration,
        round=declaration.round,
        submitted_at=now,
        snapshot=build_snapshot(declaration),
    )
    return declaration


REUSABLE_SECTIONS = ("education", "titles", "work_experience", "achievements")


def previous_declaration(declaration: Declaration) -> Declaration | None:
    """The applicant's latest other declaration with something worth copying."""
    found = _previous(applicant=declaration.applicant_id, declaration=declaration.pk)
    kept.attach(found, *PREVIOUS_RELATED)
    return found[0] if found else None


PREVIOUS_RELATED = ("plan__series", "plan__level", "plan__region")


@prepared
def _previous(*, applicant, declaration):
    # Every overview asks: compiled once (core.prepared). kept is read when it is first run,
    # not at import (kept imports this module).
    return kept.related(
        Declaration.objects.filter(applicant_id=applicant, section_data__code__in=REUSABLE_SECTIONS)
        .exclude(pk=declaration)
        .order_by("-created_at")[:1],
        *PREVIOUS_RELATED,
    )


@transaction.atomic
def reuse_previous(*, actor, declaration: Declaration) -> tuple[list[str], list[str]]:
    """Copy education, titles, work experience and achievements from the previous declaration.

    Each copied section is validated again under this plan's rules; a section that no longer
    passes is not copied and is named so the applicant fills it in. Returns (copied, refused).
    """
    from declarations.forms import form_for_section
    from declarations.forms.base import saved_to_post

    declaration = workflow.lock(declaration)
    _require_editable(declaration, actor)
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
    workflow.record(
        declaration,
        action=Action.REUSE,
        actor=actor,
        source=source.pk,
        copied=copied,
        refused=refused,
    )
    return copied, refused


@transaction.atomic
def withdraw_declaration(*, actor, declaration: Declaration) -> Declaration:
    declaration = workflow.lock(declaration)
    workflow.perform(declaration, action=Action.WITHDRAW, actor=actor)
    return declaration
