"""Footprint.lineage: the id of the first footprint of a chain of corrections.

Added nullable, filled by walking each footprint's ``preceding`` chain, then made required.
On PostgreSQL the immutability trigger of published footprints is disabled for the fill only
(the new column is not part of what a signature covers).
"""

from django.db import migrations, models


def fill_lineage(apps, schema_editor):
    Footprint = apps.get_model("suppliers", "Footprint")
    preceding = dict(Footprint.objects.values_list("id", "preceding_id"))
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres and preceding:
        schema_editor.execute(
            "ALTER TABLE suppliers_footprint DISABLE TRIGGER suppliers_footprint_immutable"
        )
    for footprint_id in preceding:
        root = footprint_id
        while preceding.get(root) is not None:
            root = preceding[root]
        Footprint.objects.filter(pk=footprint_id).update(lineage=root)
    if postgres and preceding:
        schema_editor.execute(
            "ALTER TABLE suppliers_footprint ENABLE TRIGGER suppliers_footprint_immutable"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0004_default_value_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="footprint",
            name="lineage",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_lineage, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="footprint",
            name="lineage",
            field=models.UUIDField(db_index=True, editable=False),
        ),
    ]
