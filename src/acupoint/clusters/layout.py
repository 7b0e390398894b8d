"""The published "2+2+5" chemical layout: 2 chemical parks, 2 rubber clusters and 5 key
monitored sites (FACTS: Traditional industry). The sites stay editable by the bureau."""

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


def ensure_sites(model) -> None:
    """Create the published sites that are missing (``model``: RelocationSite, or its
    historical version inside a migration)."""
    for name, kind in SITES:
        model.objects.get_or_create(name=name, defaults={"kind": kind})
