"""The "2+2+5" chemical layout as published: 2 chemical parks, 2 rubber clusters and 5 key
monitored sites. Sites stay editable in the administration pages."""

from django.db import migrations

SITES = (
    ("董家口化工产业园", "chemical_park"),
    ("新河化工产业园", "chemical_park"),
    ("平度明村橡胶产业集聚区", "rubber_cluster"),
    ("莱西姜山橡胶产业集聚区", "rubber_cluster"),
    ("森麒麟轮胎", "monitored"),
    ("瀚生生物", "monitored"),
    ("中远佐敦", "monitored"),
    ("索尔维", "monitored"),
    ("奥迪斯", "monitored"),
)


def add_sites(apps, schema_editor):
    site = apps.get_model("clusters", "RelocationSite")
    for name, kind in SITES:
        site.objects.get_or_create(name=name, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]
    operations = [migrations.RunPython(add_sites, migrations.RunPython.noop)]
