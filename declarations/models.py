from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import DeclarationMethod, Level, Series
from declarations import slot_conditions, workflow
from declarations.sections import SECTION_CHOICES, SECTIONS
from declarations.workflow import Action, DeclarationStatus


class ContinuingEducationRecord(models.Model):
    """Hours imported by an administrator (CSV: ID number, year, type, hours)."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("公需科目")
        PROFESSIONAL = "professional", _("专业科目")

    id_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("继续教育学时")
        verbose_name_plural = _("继续教育学时")
        ordering = ["id_number", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "year", "kind"], name="unique_ce_record")
        ]

    def __str__(self):
        return f"{self.id_number} {self.year} {self.get_kind_display()} {self.hours}"


class AchievementCategory(models.TextChoices):
    PAPER = "paper", _("论文/著作")
    PATENT = "patent", _("专利")
    PROJECT = "project", _("课题")
    AWARD = "award", _("获奖")
    OTHER = "other", _("其他")


class Plan(models.Model):
    """申报计划: one year × series × level (× region) with its window and form configuration."""

    year = models.PositiveSmallIntegerField(_("年度"))
    series = models.ForeignKey(Series, on_delete=models.PROTECT, verbose_name=_("系列"))
    level = models.ForeignKey(Level, on_delete=models.PROTECT, verbose_name=_("级别"))
    region = models.ForeignKey(
        "institutions.Region", on_delete=models.PROTECT, verbose_name=_("地区")
    )
    committee = models.ForeignKey(
        "institutions.Committee", on_delete=models.PROTECT, verbose_name=_("评审委员会")
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    # A return is not a rejection: a returned declaration may still be fixed and resubmitted
    # after closes_at, until this deadline (see is_open_for).
    resubmit_until = models.DateTimeField(
        _("退回修改截止时间"),
        null=True,
        blank=True,
        help_text=_(
            "被退回修改的申报在申报截止后仍可修改并重新提交，直至此时间；须晚于截止时间。"
            "留空则截止后不能再修改被退回的申报。"
        ),
    )
    methods = models.ManyToManyField(
        DeclarationMethod, verbose_name=_("开放的申报方式"), related_name="plans"
    )
    achievement_categories = models.JSONField(
        _("成果类别"),
        default=list,
        blank=True,
        help_text=_("可选：paper 论文/著作，patent 专利，project 课题，award 获奖，other 其他"),
    )
    achievements_limit = models.PositiveSmallIntegerField(_("代表性成果上限"), default=15)
    statement_max_chars = models.PositiveSmallIntegerField(
        _("工作成绩及表现字数上限"), default=1200
    )
    societies_max_chars = models.PositiveSmallIntegerField(_("学术团体字数上限"), default=50)
    assessment_years = models.PositiveSmallIntegerField(_("考核年度数"), default=5)
    ranking_required = models.BooleanField(_("须填写单位推荐排序"), default=False)
    vague_words = models.CharField(
        _("外语/计算机禁用的含糊词语"),
        max_length=200,
        blank=True,
        help_text=_("以逗号分隔，例如：熟练,良好。留空则不检查。"),
    )
    ce_hours_required = models.PositiveSmallIntegerField(_("每年继续教育学时要求"), default=0)
    ce_years = models.PositiveSmallIntegerField(_("继续教育统计年数"), default=5)

    class Meta:
        verbose_name = _("申报计划")
        verbose_name_plural = _("申报计划")
        ordering = ["-year", "series__sort_order", "level__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "series", "level", "region"], name="unique_plan"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="plan_closes_after_opening",
            ),
        ]

    def __str__(self):
        return _("%(year)s年度 %(series)s %(level)s（%(region)s）") % {
            "year": self.year,
            "series": self.series.name,
            "level": self.level.name,
            "region": self.region.name,
        }

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("截止时间必须晚于开始时间。")
        if self.resubmit_until and self.closes_at and self.resubmit_until <= self.closes_at:
            errors["resubmit_until"] = _("退回修改截止时间必须晚于申报截止时间。")
        if (
            self.committee_id
            and self.series_id
            and self.level_id
            and (
                self.committee.series_id != self.series_id
                or self.committee.level_id != self.level_id
            )
        ):
            errors["committee"] = _("评审委员会的系列和级别必须与计划一致。")
        categories = self.achievement_categories or []
        if not isinstance(categories, list) or not categories:
            errors["achievement_categories"] = _("请至少选择一个成果类别。")
        elif unknown := set(categories) - set(AchievementCategory.values):
            errors["achievement_categories"] = _("未知的成果类别：%(c)s") % {
                "c": ", ".join(sorted(unknown))
            }
        elif len(set(categories)) != len(categories):
            errors["achievement_categories"] = _("成果类别不能重复。")
        if not 1 <= self.achievements_limit <= 50:
            errors["achievements_limit"] = _("代表性成果上限应在1至50之间。")
        if not 1 <= self.assessment_years <= 10:
            errors["assessment_years"] = _("考核年度数应在1至10之间。")
        if errors:
            raise ValidationError(errors)

    @property
    def vague_word_list(self):
        return [w.strip() for w in self.vague_words.replace("，", ",").split(",") if w.strip()]

    def is_open(self, at=None):
        """Whether the plan takes new declarations (and drafts) now."""
        at = at or timezone.now()
        return self.opens_at <= at <= self.closes_at

    def is_open_for(self, declaration=None, at=None) -> bool:
        """Whether the applicant may change and submit `declaration` now (None: a new one).

        The one rule for the plan's window: drafts and new declarations only while the plan
        is open; a returned declaration also after closes_at, until resubmit_until."""
        return self.closed_message(declaration, at) is None

    def closed_message(self, declaration=None, at=None) -> str | None:
        """Why the plan does not take `declaration` (None: a new one) now, or None if it does."""
        at = at or timezone.now()

        def when(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

        if at < self.opens_at:
            return _("申报计划尚未开始，开始时间为 %(t)s。") % {"t": when(self.opens_at)}
        if at <= self.closes_at:
            return None
        returned = (
            declaration is not None
            and declaration.status == DeclarationStatus.RETURNED
            and self.resubmit_until is not None
            and self.resubmit_until > self.closes_at
        )
        if not returned:
            return _("申报计划已于 %(t)s 截止。") % {"t": when(self.closes_at)}
        if at <= self.resubmit_until:
            return None
        return _("退回修改已于 %(t)s 截止，不能再修改或重新提交。") % {
            "t": when(self.resubmit_until)
        }


class PlanSection(models.Model):
    """One section of a plan's form: on or off, its order and which fields are required."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("模块"), max_length=30, choices=SECTION_CHOICES)
    enabled = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    required_fields = models.JSONField(
        _("必填字段"),
        default=list,
        blank=True,
        help_text=_("该模块中设为必填的可选字段代码列表。"),
    )
    # Row sections: how many rows the section needs (None: the section's default, e.g. one
    # achievement; 0: none, and its required files are then needed only once a row is filled).
    min_rows = models.PositiveSmallIntegerField(
        _("至少填写条数"),
        null=True,
        blank=True,
        help_text=_(
            "仅适用于多条记录的模块。留空按模块默认（考核情况、工作经历、代表性成果至少1条）；"
            "填0则可不填写，未填写记录时该模块的附件也不必上传。"
        ),
    )

    class Meta:
        verbose_name = _("计划模块")
        verbose_name_plural = _("计划模块")
        # By the plan's id, not "plan" (which sorts by the plan's own ordering: a join of the
        # plan, its series and level wherever sections are read): a plan's sections in their
        # order, those of several plans grouped by plan.
        ordering = ["plan_id", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_plan_section")]

    def __str__(self):
        spec = SECTIONS.get(self.code)
        return str(spec.title if spec else self.code)

    @property
    def needed_rows(self) -> int:
        """Rows the section needs to be complete: the plan's min_rows, else the section's."""
        if self.min_rows is not None:
            return self.min_rows
        spec = SECTIONS.get(self.code)
        return spec.min_rows if spec is not None else 0

    def clean(self):
        spec = SECTIONS.get(self.code)
        if spec is None:
            raise ValidationError({"code": _("未知的模块代码：%(c)s") % {"c": self.code}})
        if self.min_rows is not None and spec.kind != "rows":
            raise ValidationError({"min_rows": _("只有多条记录的模块可以设置至少填写条数。")})
        if self.min_rows is not None and self.min_rows > 50:
            raise ValidationError({"min_rows": _("至少填写条数应在0至50之间。")})
        fields = self.required_fields or []
        if not isinstance(fields, list):
            raise ValidationError({"required_fields": _("必填字段应为列表。")})
        if unknown := set(fields) - set(spec.optional_fields):
            raise ValidationError(
                {
                    "required_fields": _("这些字段不能设为必填或不存在：%(f)s")
                    % {"f": ", ".join(sorted(unknown))}
                }
            )


class AttachmentSlot(models.Model):
    """An upload place of a section: 身份信息, 社保明细, 照片, 毕业证书, …"""

    plan_section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="slots")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    hint = models.CharField(_("说明"), max_length=300, blank=True)
    required = models.BooleanField(_("必须上传"), default=False)
    multiple = models.BooleanField(_("可上传多个文件"), default=True)
    is_photo = models.BooleanField(_("证件照"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # 按条件必传: required only when a field of a section has a value (slot_conditions).
    condition_section = models.CharField(
        _("条件模块"),
        max_length=30,
        choices=SECTION_CHOICES,
        blank=True,
        help_text=_("按条件必传：条件字段所在的模块（可以是其他模块）。"),
    )
    condition_field = models.CharField(
        _("条件字段"),
        max_length=200,
        blank=True,
        help_text=_(
            "该模块表单中的字段代码，例如 exception_kind；多个字段用逗号分隔，任一满足即可。"
            "多条记录的模块中任一条满足即可。"
        ),
    )
    condition_operator = models.CharField(
        _("条件"),
        max_length=20,
        choices=slot_conditions.Operator.choices,
        blank=True,
        help_text=_("留空则不按条件：由“必须上传”决定。"),
    )
    condition_value = models.CharField(
        _("条件值"),
        max_length=200,
        blank=True,
        help_text=_(
            "“等于”：按申报人看到的选项名称填写，多个用逗号分隔（例如：高技能人才贯通,"
            "高层次人才直评）；“日期不早于”：年-月-日（例如 2008-09-01）；“已填写”：留空。"
        ),
    )
    # What condition_value stands for in saved section data (slot_conditions.resolve).
    condition_values = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("附件栏目")
        verbose_name_plural = _("附件栏目")
        ordering = ["plan_section", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["plan_section", "code"], name="unique_slot")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Slots made in code (demo.catalog) are resolved too; a bad condition fails loudly.
        self.condition_values = slot_conditions.resolve(self)
        super().save(*args, **kwargs)

    @property
    def is_conditional(self) -> bool:
        return bool(self.condition_operator)

    @property
    def condition_description(self) -> str:
        """When the slot is needed (按条件必传), in words; "" without a condition."""
        return slot_conditions.description(self)

    def clean(self):
        self.condition_values = slot_conditions.resolve(self)
        section = self.condition_section
        if section and self.plan_section_id:
            plan_id = (
                PlanSection.objects.filter(pk=self.plan_section_id)
                .values_list("plan_id", flat=True)
                .first()
            )
            if not PlanSection.objects.filter(plan_id=plan_id, code=section, enabled=True).exists():
                raise ValidationError(
                    {
                        "condition_section": _("本计划没有启用“%(s)s”模块，条件不会成立。")
                        % {"s": SECTIONS[section].title}
                    }
                )


class Declaration(models.Model):
    """One applicant's filing for one plan."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("申报人"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("申报计划")
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.DRAFT,
        db_index=True,
    )
    # The organization that holds it now (the unit after submission, then upward).
    holder = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_declarations",
        verbose_name=_("当前审核单位"),
    )
    declaring_unit = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("申报单位"),
    )
    # Set when the reporting department reports it to its committee.
    committee = models.ForeignKey(
        "institutions.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("评审委员会"),
    )
    round = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("开始审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "plan"], name="one_declaration_per_plan")
        ]
        indexes = [
            # What an organization holds in a state (workflow.held_for_q: reportable counts,
            # the committee inbox's counts).
            models.Index(fields=["holder", "status"], name="declaration_holder_status_idx"),
        ]

    def __str__(self):
        return f"{self.applicant} · {self.plan}"

    @property
    def is_editable(self):
        return workflow.is_editable(self)


class DeclarationSection(models.Model):
    """The saved data of one section, as normalised by its form (JSON-safe values)."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="section_data"
    )
    code = models.CharField(_("模块"), max_length=30, choices=SECTION_CHOICES)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("申报模块")
        verbose_name_plural = _("申报模块")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "code"], name="unique_declaration_section"
            )
        ]

    def __str__(self):
        return f"{self.declaration_id}:{self.code}"


class Submission(models.Model):
    """What was submitted in one round: an immutable snapshot of the whole declaration."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="submissions"
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    snapshot = models.JSONField()

    class Meta:
        verbose_name = _("提交快照")
        verbose_name_plural = _("提交快照")
        ordering = ["declaration", "round"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "round"], name="unique_submission")
        ]

    def __str__(self):
        return f"{self.declaration_id}#{self.round}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("提交快照不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("提交快照不可删除。"))


class DeclarationEvent(models.Model):
    """Append-only audit trail: who did what, when, from which state to which, and why."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    organization = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(max_length=20, choices=DeclarationStatus.choices)
    to_status = models.CharField(max_length=20, choices=DeclarationStatus.choices)
    reason = models.TextField(_("原因"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("申报记录")
        verbose_name_plural = _("申报记录")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审计记录不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计记录不可删除。"))

    @property
    def action_label(self):
        return self.get_action_display()
