"""The database itself refuses UPDATE and DELETE on audit rows (SQLite and PostgreSQL)."""

from django.db import migrations

from govit.audit.dbguard import guard_install, guard_remove


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: guard_install(schema_editor.connection, with_checkpoints=False),
            lambda apps, schema_editor: guard_remove(schema_editor.connection),
        )
    ]
