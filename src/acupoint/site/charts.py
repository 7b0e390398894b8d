"""Vega-Lite chart specifications built with Altair; pages embed them, reports render them."""

from __future__ import annotations

import math

import altair as alt
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient

alt.data_transformers.disable_max_rows()

# A chart as wide as its box fits inside it, axes and legend included: never wider than the
# screen.
FIT = alt.AutoSizeParams(type="fit", contains="padding")
# Legends list every entry in full: long Chinese names are not cut to an ellipsis.
LEGEND = alt.Legend(labelLimit=0, symbolLimit=0)
ISO_DAY = "%Y-%m-%d"


def fitted(chart: alt.TopLevelMixin) -> dict:
    return chart.properties(autosize=FIT).to_dict()


def annual_figures(rows: list[dict], measures: dict[str, str]) -> dict:
    """Lines of an enterprise's figures by year, one panel per measure (each its own scale)."""
    records = [{"year": str(row["year"]), "measure": label, "value": row[code]}
               for row in rows for code, label in measures.items() if row.get(code) is not None]
    chart = alt.Chart(alt.Data(values=records)).mark_line(point=True).encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("value:Q", title=None),
        tooltip=[alt.Tooltip("year:O", title=_("Year")), alt.Tooltip("measure:N", title=" "),
                 alt.Tooltip("value:Q", format=",.2f", title="  ")],
    ).properties(width=220, height=140).facet(
        facet=alt.Facet("measure:N", title=None), columns=3,
    ).resolve_scale(y="independent")
    return chart.to_dict()


def bars(records: list[dict], category: str, value: str, category_title: str,
         value_title: str) -> dict:
    chart = alt.Chart(alt.Data(values=records)).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort="-x", title=category_title),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", format=",.0f", title=value_title)],
    ).properties(width="container", height=alt.Step(22))
    return fitted(chart)


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
        fill="#cfe3f6", stroke="#1f5d99", strokeWidth=2, fillOpacity=0.6, aria=False)
    layers = [area]
    if points:
        layers.append(alt.Chart(alt.Data(values=points)).mark_circle(
            size=18, color="#c0392b", opacity=0.7).encode(
            longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("name:N", title=" ")]))
    chart = alt.layer(*layers).project(type="mercator").properties(width="container",
                                                                   height=360)
    return fitted(chart)


CLASS_COLOURS = {"A": "#1a7f37", "B": "#5aa469", "C": "#e0a800", "D": "#c0392b", "T": "#8c8c8c",
                 "—": "#d0d4d9"}


def class_distribution(records: list[dict], category_title: str) -> dict:
    """Firms per class within each category (district, industry), stacked as shares."""
    classes = [name for name in CLASS_COLOURS if any(r["class"] == name for r in records)]
    chart = alt.Chart(alt.Data(values=records)).mark_bar().encode(
        y=alt.Y("category:N", title=category_title),
        x=alt.X("firms:Q", stack="normalize", title=None, axis=alt.Axis(format="%")),
        color=alt.Color("class:N", title=None, sort=classes, legend=LEGEND,
                        scale=alt.Scale(domain=classes,
                                        range=[CLASS_COLOURS[name] for name in classes])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("category:N", title=category_title),
                 alt.Tooltip("class:N", title=_("Class")),
                 alt.Tooltip("firms:Q", format=",", title=_("Enterprises"))],
    ).properties(width="container", height=alt.Step(20))
    return fitted(chart)


def contributions(records: list[dict], value_title: str) -> dict:
    """Each indicator's points in a firm's score (normalised value × its weight)."""
    chart = alt.Chart(alt.Data(values=records)).mark_bar(color="#1f5d99").encode(
        y=alt.Y("indicator:N", sort=None, title=None),
        x=alt.X("points:Q", title=value_title),
        tooltip=[alt.Tooltip("indicator:N", title=_("Indicator")),
                 alt.Tooltip("points:Q", format=",.2f", title=value_title)],
    ).properties(width="container", height=alt.Step(26))
    return fitted(chart)


STANDING_COLOURS = {"active": "#1a7f37", "yellow": "#e0a800", "exited": "#8c8c8c",
                    "candidate": "#1f5d99"}


def short_name(name: str) -> str:
    """A cluster's name without the words every cluster shares: 即墨汽车制造."""
    for suffix in ("产业集聚区", "产业功能区", "集聚区", "功能区"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _placed_labels(centres: list[dict], per_height: float) -> list[dict]:
    """Label positions that do not overlap, in degrees: each label is tried just above its
    point, then below, then further away. A character is ``per_height`` of the map's height
    (the text's size follows the map's size, see ``clusters_map``), and a degree of longitude
    is shorter than one of latitude by the cosine of the latitude, as Mercator draws it."""
    if not centres:
        return []
    lats = [item["lat"] for item in centres]
    lons = [item["lon"] for item in centres]
    middle = math.cos(math.radians((max(lats) + min(lats)) / 2))
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * middle, 1e-6)
    height = span * per_height * 1.3
    char_lon = span * per_height / middle
    placed: list[tuple[float, float, float, float]] = []
    result = []
    for item in sorted(centres, key=lambda entry: -entry["lat"]):
        half = char_lon * len(item["text"]) / 2
        for step in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 0):
            lat = item["lat"] + step * height
            box = (item["lon"] - half, lat - height / 2, item["lon"] + half, lat + height / 2)
            if not any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3]
                       and other[1] < box[3] for other in placed):
                break
        placed.append(box)
        result.append({**item, "lat": lat})
    return result


def clusters_map(clusters: list[dict]) -> dict:
    """Every cluster's boundary drawn from its polygon (no tile server), a pin coloured by its
    standing in the race (a yellow card yellow), and its name beside it where no other label
    is. ``clusters``: code, name, standing, label (the standing in words), boundary."""
    features = [{"type": "Feature", "geometry": _clockwise(item["boundary"]),
                 "properties": {key: item[key] for key in ("code", "name", "standing",
                                                           "label")}}
                for item in clusters]
    points = [{"code": item["code"], "name": item["name"], "label": item["label"],
               "text": short_name(item["name"]), "lon": shape(item["boundary"]).centroid.x,
               "lat": shape(item["boundary"]).centroid.y} for item in clusters]
    per_height = 1 / 32  # a character's size, of the map's drawn height
    labels = _placed_labels(points, per_height)
    present = [name for name in STANDING_COLOURS
               if any(item["standing"] == name for item in clusters)]
    words = {item["standing"]: item["label"] for item in clusters}
    colour = alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0),
                       scale=alt.Scale(domain=[words[name] for name in present],
                                       range=[STANDING_COLOURS[name] for name in present]))
    areas = alt.Chart(alt.Data(values=features)).mark_geoshape(
        stroke="#1d2733", strokeWidth=1, fill="#cfd8e3", fillOpacity=0.8, aria=False)
    pins = alt.Chart(alt.Data(values=points)).mark_circle(
        size=110, opacity=1, stroke="#fff", strokeWidth=1.5).encode(
        longitude="lon:Q", latitude="lat:Q", color=colour,
        tooltip=[alt.Tooltip("name:N", title=" "), alt.Tooltip("label:N", title="  ")])
    # The drawn height: the map's height, or less when the width binds (a phone).
    size = alt.ExprRef(f"max(9, min(height, width * {_aspect(points):.4f}) * {per_height:.5f})")
    names = alt.Chart(alt.Data(values=labels)).mark_text(
        fontSize=size, color="#111", stroke="#fff", strokeWidth=3, strokeOpacity=0.85).encode(
        longitude="lon:Q", latitude="lat:Q", text="text:N")
    ink = alt.Chart(alt.Data(values=labels)).mark_text(fontSize=size, color="#111").encode(
        longitude="lon:Q", latitude="lat:Q", text="text:N")
    return fitted(alt.layer(areas, pins, names, ink).project(type="mercator").properties(
        width="container", height=460))


def _aspect(points: list[dict]) -> float:
    """Height over width of the points' extent as Mercator draws it."""
    lats = [item["lat"] for item in points] or [0.0]
    lons = [item["lon"] for item in points] or [0.0]
    middle = math.cos(math.radians((max(lats) + min(lats)) / 2))
    return max(max(lats) - min(lats), 1e-6) / middle / max(max(lons) - min(lons), 1e-6)


def race(records: list[dict], rank_title: str) -> dict:
    """Rank over periods, one line per cluster (rank 1 at the top): the horse race."""
    chart = alt.Chart(alt.Data(values=records)).mark_line(point=True).encode(
        x=alt.X("period:O", title=None),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, zero=False), title=rank_title,
                axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("cluster:N", title=None, scale=alt.Scale(scheme="tableau20"),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=0,
                                          symbolLimit=0)),
        tooltip=[alt.Tooltip("cluster:N", title=_("Cluster")),
                 alt.Tooltip("period:O", title=_("Period")),
                 alt.Tooltip("rank:Q", title=rank_title),
                 alt.Tooltip("score:Q", format=".1f", title=_("Score"))],
    ).properties(width="container", height=320)
    return fitted(chart)


def pillars(records: list[dict]) -> dict:
    """The guiding pillars' scores (0–100) as bars on one scale, each labelled with its
    score: comparable at a glance, and legible on a phone."""
    base = alt.Chart(alt.Data(values=records)).encode(
        y=alt.Y("pillar:N", sort=None, title=None),
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=None),
        tooltip=[alt.Tooltip("pillar:N", title=" "),
                 alt.Tooltip("score:Q", format=".1f", title=_("Score"))])
    chart = base.mark_bar(color="#1f5d99") + base.mark_text(
        align="left", dx=4, color="#1d2733").encode(text=alt.Text("score:Q", format=".0f"))
    return fitted(chart.properties(width="container", height=alt.Step(28)))


def trend(records: list[dict], score_title: str) -> dict:
    """A cluster's score by period."""
    chart = alt.Chart(alt.Data(values=records)).mark_line(point=True).encode(
        x=alt.X("period:O", title=None), y=alt.Y("score:Q", title=score_title),
        tooltip=[alt.Tooltip("period:O", title=_("Period")),
                 alt.Tooltip("score:Q", format=".1f", title=score_title),
                 alt.Tooltip("rank:Q", title=_("Rank"))],
    ).properties(width="container", height=220)
    return fitted(chart)
