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


def _clockwise(boundary: dict) -> dict:
    """d3-geo (inside Vega) takes a counter-clockwise ring for the whole globe less the polygon,
    so rings are oriented clockwise here, whatever the stored GeoJSON says."""
    if boundary["type"] == "Polygon":
        return mapping(orient(shape(boundary), sign=-1.0))
    return mapping(MultiPolygon([orient(part, sign=-1.0) for part in shape(boundary).geoms]))


def boundary_map(boundary: dict, name: str, points: list[dict]) -> dict:
    """The cluster's polygon with its member enterprises as dots."""
    area = alt.Chart(alt.Data(values=[{"type": "Feature", "geometry": _clockwise(boundary),
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


STANDING_COLOURS = {"active": "#1a7f37", "yellow": "#e0a800", "exited": "#8c8c8c",
                    "candidate": "#1f5d99"}


def clusters_map(clusters: list[dict]) -> dict:
    """Every cluster's boundary drawn from its polygon (no tile server), coloured by its
    standing in the race and labelled with its code. ``clusters``: code, name, standing,
    label (the standing in words), boundary."""
    features = [{"type": "Feature", "geometry": _clockwise(item["boundary"]),
                 "properties": {key: item[key] for key in ("code", "name", "standing",
                                                           "label")}}
                for item in clusters]
    centres = [{"code": item["code"], "lon": shape(item["boundary"]).centroid.x,
                "lat": shape(item["boundary"]).centroid.y} for item in clusters]
    present = [name for name in STANDING_COLOURS
               if any(item["standing"] == name for item in clusters)]
    areas = alt.Chart(alt.Data(values=features)).mark_geoshape(
        stroke="#333", strokeWidth=1, fillOpacity=0.7).encode(
        color=alt.Color("properties.label:N", title=None,
                        scale=alt.Scale(range=[STANDING_COLOURS[name] for name in present])),
        tooltip=[alt.Tooltip("properties.code:N", title="code"),
                 alt.Tooltip("properties.name:N", title="name"),
                 alt.Tooltip("properties.label:N", title="standing")])
    labels = alt.Chart(alt.Data(values=centres)).mark_text(
        fontSize=10, dy=-10, color="#222").encode(longitude="lon:Q", latitude="lat:Q",
                                                   text="code:N")
    return alt.layer(areas, labels).project(type="mercator").properties(
        width="container", height=460).to_dict()


def race(records: list[dict], rank_title: str) -> dict:
    """Rank over periods, one line per cluster (rank 1 at the top): the horse race."""
    chart = alt.Chart(alt.Data(values=records)).mark_line(point=True).encode(
        x=alt.X("period:O", title=None),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, zero=False), title=rank_title,
                axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("cluster:N", title=None),
        tooltip=["cluster:N", "period:O", "rank:Q", alt.Tooltip("score:Q", format=".1f")],
    ).properties(width="container", height=320)
    return chart.to_dict()


def pillars(records: list[dict]) -> dict:
    """The guiding pillars as a radial chart: one equal sector per pillar, its radius the
    pillar's score (0–100)."""
    base = alt.Chart(alt.Data(values=records)).encode(
        theta=alt.Theta("slot:Q", stack=True),
        radius=alt.Radius("score:Q", scale=alt.Scale(type="sqrt", zero=True,
                                                     domain=[0, 100], rangeMin=10)),
        color=alt.Color("pillar:N", title=None),
        tooltip=["pillar:N", alt.Tooltip("score:Q", format=".1f")])
    chart = base.mark_arc(innerRadius=10, stroke="#fff") + base.mark_text(
        radiusOffset=14).encode(text=alt.Text("score:Q", format=".0f"))
    return chart.properties(width=300, height=300).to_dict()


def trend(records: list[dict], score_title: str) -> dict:
    """A cluster's score by period."""
    chart = alt.Chart(alt.Data(values=records)).mark_line(point=True).encode(
        x=alt.X("period:O", title=None), y=alt.Y("score:Q", title=score_title),
        tooltip=["period:O", alt.Tooltip("score:Q", format=".1f"), "rank:Q"],
    ).properties(width="container", height=220)
    return chart.to_dict()
