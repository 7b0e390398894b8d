"""Cluster boundaries: GeoJSON polygons in WGS 84, checked and measured with shapely."""

from __future__ import annotations

import math

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape

EARTH_RADIUS_KM = 6371.0088


def boundary_problem(geojson: object) -> str | None:
    """None for a valid Polygon/MultiPolygon with lon/lat coordinates, else the reason."""
    if not isinstance(geojson, dict) or geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        return _("The boundary must be a GeoJSON Polygon or MultiPolygon.")
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError) as error:
        return _("The boundary is not readable GeoJSON: %(error)s") % {"error": error}
    if geometry.is_empty:
        return _("The boundary is empty.")
    if any(len(ring) < 4 or list(ring[0]) != list(ring[-1]) for ring in _rings(geojson)):
        return _("A ring of the boundary is open: GeoJSON rings end where they start, with "
                 "at least four points.")
    if not geometry.is_valid:
        from shapely.validation import explain_validity

        return _("The boundary is not a valid polygon: %(reason)s") % {
            "reason": explain_validity(geometry)}
    min_x, min_y, max_x, max_y = geometry.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        return _("Boundary coordinates must be longitude/latitude in degrees (WGS 84).")
    return None


def _rings(geojson: dict) -> list[list]:
    polygons = ([geojson["coordinates"]] if geojson["type"] == "Polygon"
                else geojson["coordinates"])
    return [ring for polygon in polygons for ring in polygon]


def area_km2(geojson: dict) -> float:
    """Area on a local equal-area projection centred on the polygon; ample for a cluster."""
    geometry = shape(geojson)
    centre_lat = math.radians(geometry.centroid.y)
    scale_x = EARTH_RADIUS_KM * math.cos(centre_lat) * math.pi / 180
    scale_y = EARTH_RADIUS_KM * math.pi / 180
    return shapely.transform(geometry, lambda coords: coords * [scale_x, scale_y]).area
