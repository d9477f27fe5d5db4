import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The catalog models moved to the catalog app with their tables; state only."""

    dependencies = [
        ("catalog", "0001_initial"),
        ("declarations", "0003_declaration_committee"),
        ("institutions", "0003_alter_committee_level_alter_committee_series_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="plan",
                    name="methods",
                    field=models.ManyToManyField(
                        related_name="plans",
                        to="catalog.declarationmethod",
                        verbose_name="开放的申报方式",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="level",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="catalog.level",
                        verbose_name="级别",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="series",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="catalog.series",
                        verbose_name="系列",
                    ),
                ),
                migrations.DeleteModel(name="ProfessionalQualification"),
                migrations.DeleteModel(name="Title"),
                migrations.DeleteModel(name="Specialty"),
                migrations.DeleteModel(name="DeclarationMethod"),
                migrations.DeleteModel(name="Series"),
                migrations.DeleteModel(name="Level"),
            ],
            database_operations=[],
        )
    ]
