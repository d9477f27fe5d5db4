"""Administrative posts (行政职务), which the professional-post fields refuse.

S1 三.12: 受聘专业技术职务（岗位）"需填写专业技术职称或专业技术岗位，不得填写行政职务"; S1 三.15(1):
the 单位-部门-岗位 of a work experience "此处不得体现行政职务"; S1 三.15(3): 所任职务 is the
professional post, "具有行政职务的可在专业技术职务后面补充填写". Administrative posts belong in
现任（含兼任）行政职务.
"""

import re

from django import forms
from django.utils.translation import gettext as _

# Leading posts of government bodies, public institutions and Party organizations, with their
# deputies (副局长 contains 局长). 主任 is administrative (办公室主任, 车间主任) except in the
# professional titles below; 院长, 校长, 馆长 and 所长 are always posts, never titles.
ADMINISTRATIVE_POSTS = (
    "厅长",
    "局长",
    "处长",
    "科长",
    "股长",
    "司长",
    "部长",
    "院长",
    "校长",
    "馆长",
    "所长",
    "站长",
    "县长",
    "市长",
    "区长",
    "乡长",
    "镇长",
    "主任",
    "书记",
    "秘书长",
    "调研员",
)
# Professional titles and posts that contain one of the words above but are not administrative.
NOT_ADMINISTRATIVE = (
    "主任医师",
    "主任药师",
    "主任护师",
    "主任技师",
    "主任编辑",
    "主任记者",
    "主任播音员",
    "主任舞美设计师",
    "班主任",
    "书记员",
)
_NOT_ADMINISTRATIVE = re.compile("|".join(map(re.escape, NOT_ADMINISTRATIVE)))
# What separates a professional post from an administrative one added after it: "馆员（副馆长）",
# "工程师、科长", "工程师/科长".
_SEPARATORS = re.compile(r"[（(、，,；;/／\s]")


def administrative_post_in(text: str) -> str | None:
    """The administrative post named in `text` (e.g. "局长" in "办公室副局长"), or None."""
    rest = _NOT_ADMINISTRATIVE.sub("", text or "")
    return next((word for word in ADMINISTRATIVE_POSTS if word in rest), None)


def refuse_administrative_post(value: str, *, field_label: str) -> str:
    """The professional post as typed, or a ValidationError naming the administrative post."""
    word = administrative_post_in(value)
    if word is not None:
        raise forms.ValidationError(
            _(
                "“%(field)s”须填写专业技术职称或专业技术岗位，不得填写行政职务（“%(word)s”）；"
                "行政职务请在“现任（含兼任）行政职务”中填写，无专业技术职称的填“无”。"
            )
            % {"field": field_label, "word": word}
        )
    return value


def refuse_leading_administrative_post(value: str, *, field_label: str) -> str:
    """所任职务: the professional post first; an administrative one may follow it
    ("馆员（副馆长）"), but may not stand first or alone."""
    first = _SEPARATORS.split(value.strip(), maxsplit=1)[0]
    word = administrative_post_in(first)
    if word is not None:
        raise forms.ValidationError(
            _(
                "“%(field)s”须先填写专业技术职务，行政职务（“%(word)s”）只可补充在其后，"
                "例如“馆员（副馆长）”；无专业技术职务的填“无”。"
            )
            % {"field": field_label, "word": word}
        )
    return value
