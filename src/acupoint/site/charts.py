"""Vega-Lite chart specifications built with Altair; pages embed them, reports render them."""

from __future__ import annotations

import altair as alt
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient

alt.data_transformers.disable_max_rows()


def annual_figures(rows: list[dict], measures: dict[str, str]) -> dict:
    """Lines of an enterprise's figures by year, one panel per measure (each its own scale)."""
    records = [{"year": str(row["year"]), "measure": label, "value": row[code]}
               for row in rows for code, label in measures.items() if row.get(code) is not None]
    chart = alt.Chart(alt.Data(values=records)).mark_line(point=True).encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("value:Q", title=None),
        tooltip=["year:O", "measure:N", alt.Tooltip("value:Q", format=",.2f")],
    ).properties(width=220, height=140).facet(
        facet=alt.Facet("measure:N", title=None), columns=3,
    ).resolve_scale(y="independent")
    return chart.to_dict()


def bars(records: list[dict], category: str, value: str, category_title: str,
         value_title: str) -> dict:
    chart = alt.Chart(alt.Data(values=records)).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort="-x", title=category_title),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[f"{category}:N", alt.Tooltip(f"{value}:Q", format=",.0f")],
    ).properties(width="container", height=alt.Step(22))
    return chart.to_dict()


def boundary_map(boundary: dict, name: str, points: list[dict]) -> dict:
    """The cluster's polygon with its member enterprises as dots.

    d3-geo (inside Vega) takes a counter-clockwise ring for the whole globe less the polygon,
    so rings are oriented clockwise here, whatever the stored GeoJSON says.
    """
    clockwise = mapping(orient(shape(boundary), sign=-1.0)) if boundary["type"] == "Polygon" \
        else mapping(MultiPolygon([orient(part, sign=-1.0) for part in shape(boundary).geoms]))
    area = alt.Chart(alt.Data(values=[{"type": "Feature", "geometry": clockwise,
                                       "properties": {"name": name}}])).mark_geoshape(
        fill="#cfe3f6", stroke="#1f5d99", strokeWidth=2, fillOpacity=0.6)
    layers = [area]
    if points:
        layers.append(alt.Chart(alt.Data(values=points)).mark_circle(
            size=18, color="#c0392b", opacity=0.7).encode(
            longitude="lon:Q", latitude="lat:Q", tooltip=["name:N"]))
    chart = alt.layer(*layers).project(type="mercator").properties(width="container",
                                                                   height=360)
    return chart.to_dict()
