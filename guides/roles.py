"""The guides: one per role, in docs/guides/<role>.md, with screenshots in docs/guides/images/."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Guide:
    role: str
    title: str
    audience: str


GUIDES = (
    Guide("applicant", _("申报人操作指南"), _("申报人（专业技术人员）")),
    Guide("unit", _("用人单位操作指南"), _("用人单位经办人")),
    Guide("department", _("主管部门、呈报部门操作指南"), _("主管部门、呈报部门经办人")),
    Guide("hr_bureau", _("人社局操作指南"), _("人力资源和社会保障局经办人")),
    Guide("committee_office", _("评委会办事机构操作指南"), _("评委会办事机构经办人")),
    Guide("expert", _("评审专家操作指南"), _("评审专家")),
    Guide("administrator", _("系统管理员操作指南"), _("系统管理员")),
)
BY_ROLE = {guide.role: guide for guide in GUIDES}

# A screenshot's name: <role>-NN-<slug>.png (nothing else is ever served).
IMAGE_NAME = re.compile(r"^[a-z_]+-\d{2}-[a-z0-9-]+\.png$")


def guides_dir():
    return settings.BASE_DIR / "docs" / "guides"


def images_dir():
    return guides_dir() / "images"


def markdown_of(role: str) -> str:
    return (guides_dir() / f"{role}.md").read_text(encoding="utf-8")
