"""The departments a city's approvals pass through and who handles each stage. The reform
publishes the four approval stages and their total (100 working days), not a split between
them, so no stage limit is shipped: a bureau sets its own on the stage-rules page, shown as a
local setting. A bureau renames departments in the admin site; these only fill what is
missing."""

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
    ("land_planning", "natural-resources", None), ("works_permit", "natural-resources", None),
    ("construction_permit", "housing-construction", None), ("groundbreaking", None, None),
    ("completion", "housing-construction", None), ("production", None, None),
]
# The stages before the reform's four, and what each became; the split of the 100 days the
# platform once shipped (20, 30, 20, 30), taken off where a bureau had not changed it.
RENAMED = {"filing": "land_planning", "land": "land_planning",
           "planning_permit": "works_permit"}
OLD_SPLIT = {"filing": 20, "land": 30, "planning_permit": 20, "construction_permit": 30}


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
