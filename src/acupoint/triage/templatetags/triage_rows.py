"""The ranking's rows, rendered in Python: the page shows 50 of 100,000 results under load,
and a template loop costs five times as much as this for the same HTML."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def result_rows(page, run, labels: dict, fragile_below: float) -> SafeString:
    firms = reverse("triage:firms", args=[run.pk])
    above, below = gettext("above"), gettext("below")
    rows = []
    for result in page:
        firm = result.enterprise
        robust = result.robustness
        rows.append((
            result.grade, result.rank or "—", firms, firm.credit_code, firm.name,
            result.district.name if result.district_id else "—", firm.industry_code,
            above if result.above_scale else below,
            "—" if result.score is None else f"{result.score:.2f}",
            labels.get(result.grade, ""), result.grade, result.grade,
            f"{result.position} / {result.unit_size}" if result.position else "—",
            " warning" if robust is not None and robust < fragile_below else "",
            "—" if robust is None else f"{robust * 100:.0f}%"))
    if not rows:
        return format_html('<tr><td colspan="9" class="muted">{}</td></tr>',
                           gettext("No enterprise matches."))
    return format_html_join(
        "\n", '<tr data-grade="{}"><td class="num">{}</td><td><a href="{}{}/">{}</a></td>'
        '<td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td title="{}">'
        '<span class="grade grade-{}">{}</span></td><td class="num">{}</td>'
        '<td class="num{}">{}</td></tr>', rows)
