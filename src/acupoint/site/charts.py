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


CLASS_COLOURS = {"A": "#1a7f37", "B": "#5aa469", "C": "#e0a800", "D": "#c0392b", "T": "#8c8c8c",
                 "—": "#d0d4d9"}


def class_distribution(records: list[dict], category_title: str) -> dict:
    """Firms per class within each category (district, industry), stacked as shares."""
    classes = [name for name in CLASS_COLOURS if any(r["class"] == name for r in records)]
    chart = alt.Chart(alt.Data(values=records)).mark_bar().encode(
        y=alt.Y("category:N", title=category_title),
        x=alt.X("firms:Q", stack="normalize", title=None, axis=alt.Axis(format="%")),
        color=alt.Color("class:N", title=None, sort=classes,
                        scale=alt.Scale(domain=classes,
                                        range=[CLASS_COLOURS[name] for name in classes])),
        order=alt.Order("order:Q"),
        tooltip=["category:N", "class:N", alt.Tooltip("firms:Q", format=",")],
    ).properties(width="container", height=alt.Step(20))
    return chart.to_dict()


def contributions(records: list[dict], value_title: str) -> dict:
    """Each indicator's points in a firm's score (normalised value × its weight)."""
    chart = alt.Chart(alt.Data(values=records)).mark_bar(color="#1f5d99").encode(
        y=alt.Y("indicator:N", sort=None, title=None),
        x=alt.X("points:Q", title=value_title),
        tooltip=["indicator:N", alt.Tooltip("points:Q", format=",.2f")],
    ).properties(width="container", height=alt.Step(26))
    return chart.to_dict()
