"""S0 二.4(1), S1 三.10(1): anyone without a current title declares with "无" under 正常晋升."""

from django.db import migrations


def allow(apps, schema_editor):
    DeclarationMethod = apps.get_model("catalog", "DeclarationMethod")
    DeclarationMethod.objects.filter(code="normal").update(allows_no_current_title=True)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(allow, migrations.RunPython.noop)]
