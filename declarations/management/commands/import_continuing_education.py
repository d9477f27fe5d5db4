"""python manage.py import_continuing_education hours.csv"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from declarations.continuing_education import decode_csv_bytes, import_records


class Command(BaseCommand):
    help = "导入继续教育学时（CSV：证件号码、年度、类型、学时）；有任一行错误则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV文件（UTF-8、带BOM的UTF-8或GBK编码）")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}：{error.strerror}") from None
        try:
            result = import_records(decode_csv_bytes(content), actor=None)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{result.total}条：新增{result.created}条，更新{result.updated}条。"
            )
        )
