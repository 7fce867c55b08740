"""Working days 2004 onwards from chinese-calendar; later years are added by the security administrator."""

from django.db import migrations

from govit.policies.calendar_seed import calendar_seed


def seed(apps, schema_editor):
    calendar_seed(apps.get_model("policies", "CalendarYear"), apps.get_model("policies", "CalendarDay"), range(2004, 2031))


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
