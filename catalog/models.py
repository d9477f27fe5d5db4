"""The catalog every other app builds on: series, levels, titles, specialties, declaration
methods and professional qualifications. Configured by administrators."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.Model):
    """初级 / 中级 / 副高级 / 正高级."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    rank = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "declarations_level"  # moved from declarations; rows stay
        verbose_name = _("级别")
        verbose_name_plural = _("级别")
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Series(models.Model):
    """工程技术, 群众文化, 图书资料, …"""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "declarations_series"  # moved from declarations; rows stay
        verbose_name = _("系列")
        verbose_name_plural = _("系列")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Title(models.Model):
    """A title of a series and level: 工程技术 + 中级 → 工程师."""

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="titles", verbose_name=_("系列")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="titles", verbose_name=_("级别")
    )
    name = models.CharField(_("职称名称"), max_length=40)

    class Meta:
        db_table = "declarations_title"  # moved from declarations; rows stay
        verbose_name = _("职称")
        verbose_name_plural = _("职称")
        ordering = ["series__sort_order", "level__rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["series", "level", "name"], name="unique_title")
        ]

    def __str__(self):
        return self.name


class Specialty(models.Model):
    """现从事专业: a specialty within a series (电力工程, 人工智能, 舞蹈, …)."""

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="specialties", verbose_name=_("系列")
    )
    name = models.CharField(_("专业名称"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "declarations_specialty"  # moved from declarations; rows stay
        verbose_name = _("现从事专业")
        verbose_name_plural = _("现从事专业")
        ordering = ["series__sort_order", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["series", "name"], name="unique_specialty")]

    def __str__(self):
        return self.name


class DeclarationMethod(models.Model):
    """申报方式: 正常晋升, 破格, 改系列, 复合型人才评审, 高层次人才直评, …"""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # 破格 needs 破格情况 (学历破格 / 资历破格).
    requires_exception_kind = models.BooleanField(_("需填写破格情况"), default=False)
    # 高技能人才贯通 and 高层次人才直评 may declare with no current title ("无" / "其他").
    allows_no_current_title = models.BooleanField(_("可无现职称"), default=False)

    class Meta:
        db_table = "declarations_declarationmethod"  # moved from declarations; rows stay
        verbose_name = _("申报方式")
        verbose_name_plural = _("申报方式")
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class ProfessionalQualification(models.Model):
    """A 职业资格 treated as equal to a title of a series and level (鲁人社办发〔2019〕14号)."""

    name = models.CharField(_("职业资格名称"), max_length=80, unique=True)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, verbose_name=_("对应系列"))
    level = models.ForeignKey(Level, on_delete=models.PROTECT, verbose_name=_("对应级别"))

    class Meta:
        db_table = "declarations_professionalqualification"  # moved from declarations; rows stay
        verbose_name = _("职业资格")
        verbose_name_plural = _("职业资格")
        ordering = ["series__sort_order", "level__rank", "name"]

    def __str__(self):
        return self.name
