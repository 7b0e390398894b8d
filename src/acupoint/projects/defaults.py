"""The departments a city's approvals pass through and each stage's default rule: the four
approval stages within the reform's 100 working days (filing 20, land 30, planning 20,
construction permit 30). A bureau renames departments in the admin site and changes the
limits on the stage-rules page; these only fill what is missing."""

from __future__ import annotations

DEPARTMENTS = [
    ("investment", "市投资促进局"),
    ("market-regulation", "市市场监督管理局"),
    ("development-reform", "市发展和改革委员会"),
    ("natural-resources", "市自然资源和规划局"),
    ("housing-construction", "市住房和城乡建设局"),
]
RULES = [
    ("contact", "investment", None), ("negotiation", "investment", None),
    ("signing", "investment", None), ("registration", "market-regulation", None),
    ("filing", "development-reform", 20), ("land", "natural-resources", 30),
    ("planning_permit", "natural-resources", 20),
    ("construction_permit", "housing-construction", 30),
    ("groundbreaking", None, None), ("production", None, None),
]


def ensure(department_model, rule_model) -> None:
    """Create the default departments and rules that do not exist yet (the model classes are
    passed in, so a migration can call this with its historical models)."""
    departments = {}
    for position, (code, name) in enumerate(DEPARTMENTS):
        departments[code], _created = department_model.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": position})
    for stage, department, limit in RULES:
        rule_model.objects.get_or_create(stage=stage, defaults={
            "department": departments.get(department), "limit_days": limit})
