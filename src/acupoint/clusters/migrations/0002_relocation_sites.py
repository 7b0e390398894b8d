"""The "2+2+5" chemical layout as published (see acupoint.clusters.layout)."""

from django.db import migrations

from acupoint.clusters.layout import ensure_sites


def add_sites(apps, schema_editor):
    ensure_sites(apps.get_model("clusters", "RelocationSite"))


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]
    operations = [migrations.RunPython(add_sites, migrations.RunPython.noop)]
