"""The committee stage (评审委员会阶段): acceptance and fees, the expert pool, meetings with
their draw, recusals and secret ballots, the results notice, certificates and bans.

A declaration's state still changes only in declarations.workflow; these rows hold what the
committee stage adds around those moves.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- 2. fees --------------------------------------------------------------------------------


class FeeSetting(models.Model):
    """收费设定 of a committee for one plan (S3): 收费 / 不收费 and the amount."""

    committee = models.ForeignKey(
        "institutions.Committee", on_delete=models.CASCADE, verbose_name=_("评委会")
    )
    plan = models.ForeignKey("declarations.Plan", on_delete=models.CASCADE, verbose_name=_("计划"))
    charged = models.BooleanField(_("收费"), default=False)
    amount = models.DecimalField(_("评审费（元）"), max_digits=8, decimal_places=2, default=0)
    # Where the plan says so, a declaration enters a meeting only once paid.
    required_before_evaluation = models.BooleanField(_("缴费后方可评审"), default=True)

    class Meta:
        verbose_name = _("收费设定")
        verbose_name_plural = _("收费设定")
        constraints = [
            models.UniqueConstraint(fields=["committee", "plan"], name="uniq_fee_committee_plan")
        ]

    def __str__(self):
        return f"{self.committee} · {self.plan}"


class Payment(models.Model):
    """The fee of one accepted declaration (one row per submission round)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待缴费")
        PAID = "paid", _("已缴费")

    class Method(models.TextChoices):
        OFFICE = "office", _("办事机构登记")
        IMPORT = "import", _("导入缴费名单")
        BACKEND = "backend", _("支付接口")

    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.CASCADE,
        related_name="payments",
        verbose_name=_("申报"),
    )
    round = models.PositiveSmallIntegerField(_("提交次数"))
    amount = models.DecimalField(_("金额（元）"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("缴费状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    method = models.CharField(_("登记方式"), max_length=10, choices=Method.choices, blank=True)
    reference = models.CharField(_("缴费凭证号"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("缴费记录")
        verbose_name_plural = _("缴费记录")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "round"], name="uniq_payment_round")
        ]

    def __str__(self):
        return f"{self.declaration_id} #{self.round}: {self.get_status_display()}"


# --- 3. experts -----------------------------------------------------------------------------


class Expert(models.Model):
    """评审专家 in the pool a committee office manages. The account (AccountKind.EXPERT) signs
    in to vote; organization, when known, drives automatic recusal."""

    office = models.ForeignKey(
        "institutions.Organization",
        on_delete=models.PROTECT,
        related_name="experts",
        verbose_name=_("办事机构"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("证件号码"), max_length=32)
    phone = models.CharField(_("手机号码"), max_length=11)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    organization = models.ForeignKey(
        "institutions.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("工作单位（平台注册单位）"),
    )
    series = models.ManyToManyField("catalog.Series", blank=True, verbose_name=_("评审系列"))
    specialties = models.ManyToManyField(
        "catalog.Specialty", blank=True, verbose_name=_("评审专业")
    )
    title = models.CharField(_("职称"), max_length=50)
    level = models.ForeignKey(
        "catalog.Level", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("级别")
    )
    is_active = models.BooleanField(_("在库"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "id_number"], name="uniq_expert_office_id")
        ]

    def __str__(self):
        return self.name


class CommitteeMember(models.Model):
    """An expert drawn from the pool as a member of a committee for one year."""

    committee = models.ForeignKey(
        "institutions.Committee",
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("评委会"),
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("专家")
    )
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("评委会委员")
        verbose_name_plural = _("评委会委员")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "expert", "year"], name="uniq_committee_member_year"
            )
        ]

    def __str__(self):
        return f"{self.committee_id} {self.year}: {self.expert_id}"


class CommitteeRules(models.Model):
    """A committee's thresholds where they differ from the national defaults (人社部令第40号):
    the legal minimum of members (empty: 高级 25, 中级/初级 11, by the committee's level), the
    share of members who must attend for a valid meeting and the share of 同意 of the experts
    attending that passes a declaration (both 2/3 by default), kept as exact fractions."""

    committee = models.OneToOneField(
        "institutions.Committee",
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("评委会"),
    )
    minimum_members = models.PositiveSmallIntegerField(
        _("委员最少人数"), null=True, blank=True, help_text=_("留空：高级25人，中级、初级11人。")
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("出席比例（分子）"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("出席比例（分母）"), default=3)
    pass_numerator = models.PositiveSmallIntegerField(_("通过比例（分子）"), default=2)
    pass_denominator = models.PositiveSmallIntegerField(_("通过比例（分母）"), default=3)

    class Meta:
        verbose_name = _("评委会评审规则")
        verbose_name_plural = _("评委会评审规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_denominator__gt=0)
                & models.Q(pass_denominator__gt=0)
                & models.Q(quorum_numerator__lte=models.F("quorum_denominator"))
                & models.Q(pass_numerator__lte=models.F("pass_denominator")),
                name="committee_rules_fractions",
            )
        ]

    def __str__(self):
        return str(self.committee)


# --- 4. meetings, draw, recusal --------------------------------------------------------------


class Meeting(models.Model):
    """评审会议: the declarations it evaluates and the experts drawn for it."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("筹备中")
        DRAWN = "drawn", _("已抽取专家")
        VOTING = "voting", _("投票中")
        CLOSED = "closed", _("已结束")

    committee = models.ForeignKey(
        "institutions.Committee",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("评委会"),
    )
    plan = models.ForeignKey(
        "declarations.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("计划")
    )
    name = models.CharField(_("会议名称"), max_length=100)
    held_on = models.DateField(_("会议日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    expert_count = models.PositiveSmallIntegerField(_("抽取专家人数"), default=0)
    by_specialty = models.BooleanField(_("按专业抽取"), default=False)
    # The draw is reproducible: its seed and result are also written to the audit trail.
    draw_seed = models.CharField(_("抽取随机种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    # Fixed at the close: the tally's denominators.
    member_count = models.PositiveSmallIntegerField(_("委员人数"), null=True, blank=True)
    attending_count = models.PositiveSmallIntegerField(_("出席人数"), null=True, blank=True)
    is_valid = models.BooleanField(_("会议有效"), null=True, blank=True)
    vote_opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("结束人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评审会议")
        verbose_name_plural = _("评审会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.name


class MeetingDeclaration(models.Model):
    """A declaration on a meeting's agenda, with its tally once the vote is closed."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("会议")
    )
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.PROTECT,
        related_name="meeting_items",
        verbose_name=_("申报"),
    )
    round = models.PositiveSmallIntegerField(_("提交次数"))
    agree = models.PositiveSmallIntegerField(_("同意"), null=True, blank=True)
    disagree = models.PositiveSmallIntegerField(_("不同意"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    passed = models.BooleanField(_("评审通过"), null=True, blank=True)
    opinion = models.TextField(_("评委会意见"), blank=True)

    class Meta:
        verbose_name = _("上会申报")
        verbose_name_plural = _("上会申报")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "declaration"], name="uniq_meeting_declaration"
            )
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.declaration_id}"


class MeetingExpert(models.Model):
    """An expert drawn for a meeting; the office records attendance."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="experts", verbose_name=_("会议")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="meeting_seats", verbose_name=_("专家")
    )
    draw_order = models.PositiveSmallIntegerField(_("抽取顺序"))
    attended = models.BooleanField(_("出席"), default=False)

    class Meta:
        verbose_name = _("参会专家")
        verbose_name_plural = _("参会专家")
        ordering = ["draw_order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "expert"], name="uniq_meeting_expert")
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.expert_id}"


class Recusal(models.Model):
    """回避: the expert neither sees nor votes on that declaration."""

    class Reason(models.TextChoices):
        SAME_UNIT = "same_unit", _("与申报人同一单位")
        ON_PATH = "on_path", _("所在单位在申报上报路径上")
        DECLARED = "declared", _("专家本人申明回避")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("会议")
    )
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, verbose_name=_("专家"))
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, verbose_name=_("申报")
    )
    reason = models.CharField(_("回避原因"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "expert", "declaration"], name="uniq_recusal"
            )
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.expert_id} / {self.declaration_id}"


# --- 5. secret ballots ------------------------------------------------------------------------


class VoteParticipation(models.Model):
    """That an expert voted on an item (never how): one row per expert and item, so nobody
    votes twice."""

    item = models.ForeignKey(
        MeetingDeclaration, on_delete=models.CASCADE, related_name="participations"
    )
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [
            models.UniqueConstraint(fields=["item", "expert"], name="uniq_vote_participation")
        ]

    def __str__(self):
        return f"{self.item_id}: {self.expert_id}"


class Ballot(models.Model):
    """无记名投票: a choice with no link to the person. A random key and no timestamp, so the
    order of ballots cannot be matched with the order of participations."""

    class Choice(models.TextChoices):
        AGREE = "agree", _("同意")
        DISAGREE = "disagree", _("不同意")
        ABSTAIN = "abstain", _("弃权")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(MeetingDeclaration, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("表决意见"), max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")

    def __str__(self):
        return str(self.pk)


# --- 6. results --------------------------------------------------------------------------------


class ResultsNotice(models.Model):
    """评审结果公示: the passed list of a meeting, public for at least 5 working days."""

    class Status(models.TextChoices):
        RUNNING = "running", _("公示中")
        CONFIRMED = "confirmed", _("已确认")
        CANCELLED = "cancelled", _("已撤销")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="notices", verbose_name=_("会议")
    )
    title = models.CharField(_("公示标题"), max_length=200)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    approval_document_number = models.CharField(_("批准文号"), max_length=100, blank=True)
    # 备案 by the HR bureau.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    # 撤销公示 while it runs (its people stay 评审通过 and may be published again).
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        verbose_name = _("评审结果公示")
        verbose_name_plural = _("评审结果公示")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.title


class ResultsNoticeEntry(models.Model):
    notice = models.ForeignKey(ResultsNotice, on_delete=models.CASCADE, related_name="entries")
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "declaration"], name="uniq_results_entry")
        ]

    def __str__(self):
        return f"{self.notice_id}: {self.declaration_id}"


class ResultsObjection(models.Model):
    """An objection received during a results notice and how the office handled it."""

    notice = models.ForeignKey(ResultsNotice, on_delete=models.CASCADE, related_name="objections")
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"))
    handling = models.TextField(_("处理情况"), blank=True)
    founded = models.BooleanField(_("异议成立"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    def __str__(self):
        return f"{self.notice_id}: {self.declaration_id}"


# --- 7. certificates, revocation, bans ----------------------------------------------------------


class Certificate(models.Model):
    """电子证书 of a confirmed result. number: committee, year, sequence; verification_code:
    unguessable, in the QR code and the public /verify/<code>/ address."""

    declaration = models.OneToOneField(
        "declarations.Declaration",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("申报"),
    )
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    verification_code = models.CharField(_("验证码"), max_length=40, unique=True)
    # Kept on the certificate so the verification page needs no join into the declaration.
    holder_name = models.CharField(_("姓名"), max_length=50)
    title_name = models.CharField(_("资格名称"), max_length=100)
    committee_name = models.CharField(_("评委会"), max_length=100)
    approval_date = models.DateField(_("批准日期"))
    approval_document_number = models.CharField(_("批准文号"), max_length=100, blank=True)
    issued_at = models.DateTimeField(_("发证时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销原因"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("电子证书")
        verbose_name_plural = _("电子证书")

    def __str__(self):
        return self.number


class DeclarationBan(models.Model):
    """After a revocation for fraud (弄虚作假) the person may not declare again until `until`
    (3 years, S3)."""

    id_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    until = models.DateField(_("禁止申报截止日期"))
    reason = models.TextField(_("原因"))
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("禁止申报记录")
        verbose_name_plural = _("禁止申报记录")

    def __str__(self):
        return f"{self.id_number} → {self.until}"
