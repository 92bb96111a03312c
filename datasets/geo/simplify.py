"""Makes morocco-regions.geojson, the small copy of Morocco's 12 regions the
example study maps: the shared file's polygons simplified (Douglas-Peucker,
tolerance 0.02 degrees, about 2 km), coordinates rounded to 3 decimals,
rings of fewer than 4 points and islets dropped; properties iso, name and
name_en kept.

    python3 simplify.py ../../../shared/data/geo/morocco-regions.geojson morocco-regions.geojson
"""
import json
import sys

TOLERANCE = 0.02


def simplify(points, tol):
    """Douglas-Peucker on an open polyline."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = (dx * dx + dy * dy) ** 0.5
    best, index = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        if norm == 0:
            d = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
        else:
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
        if d > best:
            best, index = d, i
    if best <= tol:
        return [points[0], points[-1]]
    return simplify(points[: index + 1], tol)[:-1] + simplify(points[index:], tol)


def ring(r):
    half = len(r) // 2
    out = simplify(r[: half + 1], TOLERANCE)[:-1] + simplify(r[half:], TOLERANCE)
    out = [[round(x, 3), round(y, 3)] for x, y in out]
    return out if len(out) >= 4 else None


def polygon(p):
    rings = [ring(r) for r in p]
    return [r for r in rings if r] if rings and rings[0] else None


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    features = []
    for feat in data["features"]:
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        kept = [q for q in (polygon(p) for p in polys) if q]
        props = {k: feat["properties"][k] for k in ("iso", "name", "name_en")}
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    with open(dst, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f,
                  ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
