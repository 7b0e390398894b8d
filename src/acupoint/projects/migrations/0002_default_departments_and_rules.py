from django.db import migrations

from acupoint.projects import defaults


def seed(apps, schema_editor) -> None:
    defaults.ensure(apps.get_model("projects", "Department"),
                    apps.get_model("projects", "StageRule"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
