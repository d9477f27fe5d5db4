"""Attachment slots required by condition (按条件必传): a slot is needed only when a field of a
section of the declaration has a value — 破格 needs the 破格推荐审批表 (S3 附件4), a degree awarded
since 2008-09 its 学位认证报告 (S0 二.3(2)), an administrative post its 任命文件 and 双肩挑 the
兼职审批表 (S0 二.5, S1 三.11), 援外/援藏/… experience its evidence (S0 二.9), 事业单位在编 the
岗位信息表 (S3 附件3), a title transferred in from elsewhere its 审核确认登记表 (S1 三.10),
高技能/高层次人才 the 技师证书 and the like (S0 二.4(1)④), a filled 聘任时间 the 聘书 (S0 二.4(2)).

A slot's condition (AttachmentSlot.condition_*, set by administrators in Django admin) names a
section, one or more fields of that section's form (any of them may match) and an operator:

* ``filled``: the field has a value (a ticked box, a chosen option, a date, some text);
* ``equals``: its value is one of the listed values, typed as applicants see them (the name of
  an option or of a catalog entry such as a declaration method);
* ``date_from``: its date is on or after the given day.

In a row section the condition holds when any row matches. The values typed are resolved once,
when the slot is saved, to what the section's form stores (choice values, catalog ids; kept in
condition_values), so deciding whether a slot is needed reads nothing but the declaration's
saved sections.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from declarations.sections import SECTIONS


class Operator(models.TextChoices):
    FILLED = "filled", _l("已填写（或已勾选）")
    EQUALS = "equals", _l("等于")
    DATE_FROM = "date_from", _l("日期不早于")


SKIPPED_FIELDS = ("DELETE", "ORDER")
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_VALUE_SEPARATORS = re.compile(r"[,，、;；]+")


@dataclass(frozen=True)
class Match:
    """What made a condition hold: the field (its label) and the value found."""

    label: str
    value: str
    checkbox: bool = False
    # Whether the value is worth saying (an option's name, a date) or not (free text).
    says_value: bool = False


def section_fields(code: str) -> dict[str, forms.Field]:
    """The fields of a section's form (of a row's form for a row section), as declared; {} for
    a section without a form."""
    from declarations.forms import SECTION_FORMS

    form_class = SECTION_FORMS.get(code)
    if form_class is None:
        return {}
    if issubclass(form_class, forms.BaseFormSet):
        form_class = form_class.form
    return {
        name: field for name, field in form_class.base_fields.items() if name not in SKIPPED_FIELDS
    }


def split_names(text: str) -> list[str]:
    return [name for name in _SEPARATORS.split(text or "") if name]


def split_values(text: str) -> list[str]:
    return [value.strip() for value in _VALUE_SEPARATORS.split(text or "") if value.strip()]


def _label(field: forms.Field, name: str) -> str:
    return str(field.label) if field.label else name


def _flat_choices(choices) -> list[tuple[str, str]]:
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.extend(_flat_choices(label))
        else:
            flat.append((str(value), str(label)))
    return flat


def _parse_date(text) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y年%m月"):
        try:
            return datetime.datetime.strptime(str(text).strip(), pattern).date()
        except ValueError:
            continue
    return None


def _is_empty(value) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


# ---------------------------------------------------------------- checking and resolving


def resolve(slot) -> dict:
    """Check the slot's condition and return what the typed values stand for in saved data
    ({"values": [[stored value, label], …]} in the order typed for equals — a list, as a JSON
    object's keys keep no order in PostgreSQL —, {"date": ISO day} for date_from, {}
    otherwise); raise a ValidationError by field (shown next to the field in admin) when it is
    not usable."""
    operator = slot.condition_operator
    section, names_text, value_text = (
        slot.condition_section,
        slot.condition_field.strip(),
        slot.condition_value.strip(),
    )
    if not operator:
        if section or names_text or value_text:
            raise ValidationError(
                {"condition_operator": _("请选择条件，或清空条件模块、条件字段和条件值。")}
            )
        return {}
    errors = {}
    if slot.required:
        errors["required"] = _(
            "设置了必传条件的栏目不要勾选“必须上传”：条件成立时该栏目即须上传，不成立时不必上传。"
        )
    spec = SECTIONS.get(section)
    fields = section_fields(section) if spec is not None and spec.kind != "readonly" else {}
    if not section:
        errors["condition_section"] = _("请选择条件所在的模块。")
    elif not fields:
        errors["condition_section"] = _("“%(s)s”模块没有可填写的字段，不能作为条件。") % {
            "s": spec.title if spec else section
        }
    if errors:
        raise ValidationError(errors)
    names = split_names(names_text)
    available = "、".join(f"{name}（{_label(f, name)}）" for name, f in fields.items())
    if not names:
        raise ValidationError(
            {"condition_field": _("请填写条件字段的代码。可选：%(f)s") % {"f": available}}
        )
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise ValidationError(
            {
                "condition_field": _("“%(s)s”模块没有字段%(u)s。可选：%(f)s")
                % {"s": spec.title, "u": "、".join(unknown), "f": available}
            }
        )
    chosen = [fields[name] for name in names]
    if operator == Operator.FILLED:
        if value_text:
            raise ValidationError(
                {"condition_value": _("“已填写（或已勾选）”条件不需要条件值，请清空。")}
            )
        return {}
    if not value_text:
        raise ValidationError({"condition_value": _("请填写条件值。")})
    if operator == Operator.DATE_FROM:
        not_dates = [
            name
            for name, f in zip(names, chosen, strict=True)
            if not isinstance(f, forms.DateField)
        ]
        if not_dates:
            raise ValidationError(
                {
                    "condition_field": _("“日期不早于”条件只能用于日期字段，%(f)s不是日期。")
                    % {"f": "、".join(not_dates)}
                }
            )
        day = _parse_date(value_text)
        if day is None:
            raise ValidationError(
                {"condition_value": _("请按“年-月-日”填写日期，例如 2008-09-01。")}
            )
        return {"date": day.isoformat()}
    return _resolve_values(names, chosen, split_values(value_text))


def _resolve_values(names, chosen, values) -> dict:
    """{"values": [[stored value, label], …]} of the typed values (in the order typed), for the
    fields of an equals condition."""
    found: dict[str, tuple[str, str]] = {}  # typed value -> (stored value, label)
    for name, field in zip(names, chosen, strict=True):
        if isinstance(field, forms.BooleanField):
            raise ValidationError(
                {
                    "condition_field": _("%(f)s是勾选框，请使用“已填写（或已勾选）”条件。")
                    % {"f": name}
                }
            )
        if isinstance(field, forms.ModelChoiceField):
            model = field.queryset.model
            keys = [f.name for f in model._meta.get_fields() if f.name in ("name", "code")]
            lookups = models.Q(pk__in=[])
            for key in keys:
                lookups |= models.Q(**{f"{key}__in": values})
            for obj in model._default_manager.filter(lookups):
                for key in keys:
                    found.setdefault(str(getattr(obj, key)), (str(obj.pk), str(obj)))
        elif isinstance(field, forms.ChoiceField):
            for stored, label in _flat_choices(field.choices):
                if stored:
                    found.setdefault(stored, (stored, label))
                    found.setdefault(label, (stored, label))
        else:
            for value in values:
                found.setdefault(value, (value, value))
    unknown = [value for value in values if value not in found]
    if unknown:
        raise ValidationError(
            {
                "condition_value": _(
                    "找不到这些选项：%(v)s。请按申报人看到的名称填写，多个用逗号分隔。"
                )
                % {"v": "、".join(unknown)}
            }
        )
    return {"values": [list(pair) for pair in dict(found[value] for value in values).items()]}


# ---------------------------------------------------------------- deciding and saying why


def holds(slot, sections: dict) -> Match | None:
    """Whether the slot's condition holds for the declaration's saved sections ({code: data}):
    what matched, or None (also for a slot without a condition)."""
    operator = slot.condition_operator
    if not operator:
        return None
    data = sections.get(slot.condition_section)
    if not isinstance(data, dict):
        return None
    spec = SECTIONS.get(slot.condition_section)
    records = data.get("rows") if spec is not None and spec.kind == "rows" else [data]
    fields = section_fields(slot.condition_section)
    names = split_names(slot.condition_field)
    resolved = slot.condition_values or {}
    since = _parse_date(resolved.get("date", "")) if operator == Operator.DATE_FROM else None
    wanted = dict(map(tuple, resolved.get("values", [])))
    for record in records or []:
        if not isinstance(record, dict):
            continue
        for name in names:
            field = fields.get(name)
            label = _label(field, name) if field is not None else name
            value = record.get(name)
            if _is_empty(value):
                continue
            if operator == Operator.FILLED:
                if isinstance(field, forms.ChoiceField) and not isinstance(
                    field, forms.ModelChoiceField
                ):
                    shown = dict(_flat_choices(field.choices)).get(str(value), str(value))
                    return Match(label, shown, says_value=True)
                return Match(label, str(value), checkbox=value is True)
            if operator == Operator.EQUALS and str(value) in wanted:
                return Match(label, wanted[str(value)])
            if operator == Operator.DATE_FROM and since is not None:
                day = _parse_date(value)
                if day is not None and day >= since:
                    return Match(label, day.isoformat())
    return None


def _where(slot, section_code: str | None) -> str:
    """ "“申报信息”中" when the condition is in another section than the slot's (section_code;
    when not given, the slot's plan section if it is loaded), else ""."""
    own = section_code
    if own is None and type(slot).plan_section.is_cached(slot):
        own = slot.plan_section.code
    spec = SECTIONS.get(slot.condition_section)
    if spec is None or own == slot.condition_section:
        return ""
    return _("“%(s)s”中") % {"s": spec.title}


def missing_message(slot, match: Match, section_code: str | None = None) -> str:
    """Why the slot (of the section section_code) is needed now, as the list of missing items
    says it."""
    params = {
        "where": _where(slot, section_code),
        "field": match.label,
        "value": match.value,
        "slot": slot.name,
        "date": (slot.condition_values or {}).get("date", ""),
    }
    if slot.condition_operator == Operator.FILLED and not match.says_value:
        if match.checkbox:
            return _("%(where)s已勾选“%(field)s”，请上传“%(slot)s”") % params
        return _("%(where)s已填写“%(field)s”，请上传“%(slot)s”") % params
    if slot.condition_operator == Operator.DATE_FROM:
        return _("%(where)s“%(field)s”为%(value)s（%(date)s及以后），请上传“%(slot)s”") % params
    return _("%(where)s“%(field)s”为“%(value)s”，请上传“%(slot)s”") % params


def description(slot, section_code: str | None = None) -> str:
    """When the slot (of the section section_code) is needed, as the section page says it under
    按条件必传 ("" without a condition)."""
    operator = slot.condition_operator
    if not operator:
        return ""
    fields = section_fields(slot.condition_section)
    names = split_names(slot.condition_field)
    labels = "或".join(
        f"“{_label(fields[name], name) if name in fields else name}”" for name in names
    )
    params = {"where": _where(slot, section_code), "fields": labels}
    if operator == Operator.FILLED:
        checkboxes = all(isinstance(fields.get(name), forms.BooleanField) for name in names)
        if checkboxes:
            return _("%(where)s勾选了%(fields)s的须上传") % params
        return _("%(where)s填写了%(fields)s的须上传") % params
    if operator == Operator.DATE_FROM:
        params["date"] = (slot.condition_values or {}).get("date", slot.condition_value)
        return _("%(where)s%(fields)s在%(date)s及以后的须上传") % params
    values = [label for _stored, label in (slot.condition_values or {}).get("values", [])]
    values = values or split_values(slot.condition_value)
    params["values"] = "或".join(f"“{value}”" for value in dict.fromkeys(values))
    return _("%(where)s%(fields)s为%(values)s的须上传") % params
