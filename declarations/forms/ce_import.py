"""The administrator's upload form for continuing-education hours."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.forms import NamedRequiredMixin
from declarations.continuing_education import MAX_FILE_BYTES, decode_csv_bytes


class ContinuingEducationImportForm(NamedRequiredMixin, forms.Form):
    file = forms.FileField(
        label=_l("继续教育学时文件（CSV）"),
        help_text=_l(
            "每行依次为：证件号码、年度、类型（公需/专业）、学时；第一行可为表头。"
            "UTF-8或GBK编码，不超过2MB。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("请上传CSV文件（扩展名为.csv）。"))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("文件大小为%(s).1fMB，不能超过2MB，请分成几个文件导入。")
                % {"s": upload.size / 1024 / 1024}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        content = b"".join(upload.chunks())
        self.cleaned_data["text"] = decode_csv_bytes(content)
        return upload
