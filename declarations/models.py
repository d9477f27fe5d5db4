from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.Model):
    """初级 / 中级 / 副高级 / 正高级."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    rank = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
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
        verbose_name = _("系列")
        verbose_name_plural = _("系列")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name
