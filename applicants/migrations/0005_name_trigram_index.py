"""The queues' name search (review.selectors.search_q: UPPER(name) LIKE UPPER('%q%')) served by
a trigram index on PostgreSQL. pg_trgm treats CJK characters as word characters under the
C.UTF-8 locale (show_trgm('何霞健') gives four trigrams), so a search of three characters or
more reads the index; shorter ones scan the organization's own queue. Nothing on SQLite."""

from django.db import migrations

INDEX = "applicants_user_name_upper_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON applicants_user "
        "USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("applicants", "0004_committee_stage_choices")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
