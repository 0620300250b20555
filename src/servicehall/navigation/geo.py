"""WGS84 longitude/latitude ⇄ the hall's local metres, about the map's reference point.

An equirectangular projection about the reference: x = R·Δλ·cos φ₀, y = R·Δφ. Over a hall (a few hundred
metres) its error is well under a centimetre, and it is exactly invertible, so an import followed by an
export gives back the coordinates it was given (to the float rounding kept in ``DECIMALS``)."""

import math

EARTH_RADIUS_M = 6378137.0  # WGS84 semi-major axis
DECIMALS = 8  # degrees: about a millimetre


def to_lonlat(x: float, y: float, ref_lon: float, ref_lat: float) -> list[float]:
    lat = ref_lat + math.degrees(y / EARTH_RADIUS_M)
    lon = ref_lon + math.degrees(x / (EARTH_RADIUS_M * math.cos(math.radians(ref_lat))))
    return [round(lon, DECIMALS), round(lat, DECIMALS)]


def to_metres(lon: float, lat: float, ref_lon: float, ref_lat: float) -> tuple[float, float]:
    x = math.radians(lon - ref_lon) * EARTH_RADIUS_M * math.cos(math.radians(ref_lat))
    y = math.radians(lat - ref_lat) * EARTH_RADIUS_M
    return round(x, 3), round(y, 3)


def valid_lonlat(lon, lat) -> bool:
    return (
        isinstance(lon, int | float)
        and isinstance(lat, int | float)
        and -180 <= lon <= 180
        and -85 <= lat <= 85
    )
