#!/usr/bin/env python3
"""Build the map geometry of the 101 départements that repartir draws its SVG maps with.

Reads the public GeoJSON of shared/data (see its SOURCES.md, section 4):

  departements_france-geojson.geojson   101 features, properties `code`, `nom` (IGN Admin Express
                                         COG 2018, Licence Ouverte; gregoiredavid/france-geojson)

and writes, deterministically (UTF-8 without BOM, "\\n" line ends, one decimal, no locale):

  scenarios/france-relance-2020/geometry/departements.paths.tsv

Projection and layout (documented in docs/pictures.md):
  * mainland France and Corsica: Lambert-93 (EPSG:2154, the official conformal conic projection
    of France on GRS80), scaled into a box on the right of a 1000-unit-wide drawing, north up;
  * the five overseas départements (971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion,
    976 Mayotte): each in its own inset box, stacked in a column on the left, each projected with a
    local equirectangular projection (x scaled by cos of the latitude of its centre; conformal
    enough at this size) and scaled to fit its box: the insets are NOT at the mainland's scale;
  * Paris and the petite couronne (75, 92, 93, 94): drawn a second time, enlarged, in an inset box
    in the empty Channel corner (the enlarged shapes are extra subpaths of the same département).

Simplification: shared borders are cut into arcs at the points where the set of départements that
own a vertex changes, each arc is simplified once with Douglas-Peucker (tolerance TOLERANCE units
of the drawing) and reused by both neighbours, so neighbours keep a common border (no gaps or
slivers). Coordinates are rounded to 0.1 unit; paths are written with relative moves in tenths.
Islets smaller than MIN_ISLET_AREA square units are dropped when the département has a bigger part.

File format (tab-separated, one record a line, `#` lines are comments):

  viewbox  WIDTH  HEIGHT
  inset    ID  X  Y  W  H  CAPTION          (a frame and its caption; ID is a code or `paris`)
  dep      CODE  NAME  LABEL_X  LABEL_Y  SVG_PATH_DATA

Only the Python standard library is used. Running it twice gives byte-identical files.

Usage:
  python3 scripts/build-map-geometry.py            # (re)generate the geometry file
  python3 scripts/build-map-geometry.py --check    # exit 1 if the committed file differs
"""

import argparse
import json
import math
import os
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_FILE = "departements_france-geojson.geojson"
OUTPUT_NAME = "departements.paths.tsv"
DEFAULT_OUT = os.path.join("scenarios", "france-relance-2020", "geometry")

WIDTH = 1000.0
MARGIN = 8.0
INSET_COLUMN_WIDTH = 170.0          # left column of overseas insets
MAINLAND_LEFT = INSET_COLUMN_WIDTH + 2 * MARGIN + 12.0
INSET_CAPTION_HEIGHT = 16.0         # room left at the top of each inset box for its caption
TOLERANCE = 0.35                    # Douglas-Peucker tolerance, drawing units
MIN_ISLET_AREA = 0.6                # square drawing units
OVERSEAS = [("971", "Guadeloupe"), ("972", "Martinique"), ("973", "Guyane"),
            ("974", "La Réunion"), ("976", "Mayotte")]
PARIS = ["75", "92", "93", "94"]
PARIS_ZOOM = 4                      # enlargement of the Paris inset relative to the mainland
PARIS_BOX_MIN_WIDTH = 158.0         # wide enough for its caption


def die(msg):
    print("build-map-geometry: error: " + msg, file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- projections

def lambert93(lon, lat):
    """Lambert-93 (EPSG:2154): Lambert conformal conic, 2 standard parallels, GRS80. Metres."""
    a, e = 6378137.0, 0.08181919104281579
    lon0, lat0, lat1, lat2 = math.radians(3), math.radians(46.5), math.radians(44), math.radians(49)
    x0, y0 = 700000.0, 6600000.0

    def m(phi):
        return math.cos(phi) / math.sqrt(1 - (e * math.sin(phi)) ** 2)

    def t(phi):
        s = e * math.sin(phi)
        return math.tan(math.pi / 4 - phi / 2) / ((1 - s) / (1 + s)) ** (e / 2)

    n = (math.log(m(lat1)) - math.log(m(lat2))) / (math.log(t(lat1)) - math.log(t(lat2)))
    f = m(lat1) / (n * t(lat1) ** n)
    rho0 = a * f * t(lat0) ** n
    rho = a * f * t(math.radians(lat)) ** n
    theta = n * (math.radians(lon) - lon0)
    return x0 + rho * math.sin(theta), y0 + rho0 - rho * math.cos(theta)


def equirectangular(lat_centre):
    k = math.cos(math.radians(lat_centre))
    return lambda lon, lat: (lon * k * 111320.0, lat * 110574.0)


# ---------------------------------------------------------------- geometry helpers

def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    die("unsupported geometry type %r" % geometry["type"])


def ring_area(ring):
    s = 0.0
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        s += x1 * y2 - x2 * y1
    return s / 2


def douglas_peucker(points, tol):
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, best_k = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            if norm == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best:
                best, best_k = d, k
        if best > tol:
            keep[best_k] = True
            stack.append((i, best_k))
            stack.append((best_k, j))
    return [p for p, k in zip(points, keep) if k]


class Simplifier:
    """Topology-preserving simplification: arcs between junctions are simplified once."""

    def __init__(self, rings_by_owner, tol):
        self.tol = tol
        self.owners = {}
        for owner, rings in rings_by_owner.items():
            for ring in rings:
                for p in ring[:-1]:
                    self.owners.setdefault(p, set()).add(owner)
        self.cache = {}

    def ring(self, ring):
        pts = ring[:-1]
        n = len(pts)
        own = [frozenset(self.owners[p]) for p in pts]
        fixed = [i for i in range(n) if own[i] != own[i - 1] or own[i] != own[(i + 1) % n]]
        if not fixed:   # a ring nobody shares (island): cut it at its first and farthest points
            far = max(range(n), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
            fixed = [0, far] if far != 0 else [0]
        out = []
        for idx, start in enumerate(fixed):
            end = fixed[(idx + 1) % len(fixed)]
            arc = [pts[k % n] for k in range(start, end + (n if end <= start else 0) + 1)]
            out.extend(self.arc(arc)[:-1])
        out.append(out[0])
        return out

    def arc(self, arc):
        key = tuple(arc)
        if key in self.cache:
            return self.cache[key]
        rkey = tuple(reversed(arc))
        if rkey in self.cache:
            return list(reversed(self.cache[rkey]))
        # canonical direction so that both neighbours get the very same simplified arc
        if rkey < key:
            simplified = list(reversed(douglas_peucker(list(rkey), self.tol)))
        else:
            simplified = douglas_peucker(arc, self.tol)
        self.cache[key] = simplified
        return simplified


def label_point(ring):
    """A point inside the ring: middle of the widest inside span of the horizontal through the centroid."""
    a = ring_area(ring)
    if a == 0:
        return ring[0]
    cx = cy = 0.0
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        c = x1 * y2 - x2 * y1
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    cx, cy = cx / (6 * a), cy / (6 * a)
    xs = []
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 <= cy < y2) or (y2 <= cy < y1):
            xs.append(x1 + (cy - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    spans = [(xs[i + 1] - xs[i], xs[i]) for i in range(0, len(xs) - 1, 2)]
    if not spans:
        return (cx, cy)
    inside = [s for s in spans if s[1] <= cx <= s[1] + s[0]]
    width, left = max(inside) if inside else max(spans)
    return (cx if inside and width > 0 else left + width / 2, cy)


def fit(bounds, box, flip=True):
    """Affine map of projected bounds (minx, miny, maxx, maxy) into box (x, y, w, h), centred, north up."""
    minx, miny, maxx, maxy = bounds
    bx, by, bw, bh = box
    s = min(bw / (maxx - minx), bh / (maxy - miny))
    ox = bx + (bw - s * (maxx - minx)) / 2
    oy = by + (bh - s * (maxy - miny)) / 2

    def transform(p):
        x, y = p
        return (ox + s * (x - minx), oy + s * (maxy - y)) if flip else (ox + s * (x - minx), oy + s * (y - miny))
    return transform, s


def bounds_of(points):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


# ---------------------------------------------------------------- path writing

def tenths(v):
    return int(math.floor(v * 10 + 0.5))


def fmt_tenths(t):
    sign = "-" if t < 0 else ""
    t = abs(t)
    return "%s%d" % (sign, t // 10) if t % 10 == 0 else "%s%d.%d" % (sign, t // 10, t % 10)


def path_data(rings):
    """Closed subpaths, absolute first point then relative moves, in tenths of a unit."""
    parts = []
    for ring in rings:
        pts = []
        for x, y in ring[:-1]:
            q = (tenths(x), tenths(y))
            if not pts or pts[-1] != q:
                pts.append(q)
        while len(pts) > 1 and pts[-1] == pts[0]:
            pts.pop()
        if len(pts) < 3:
            continue
        s = ["M%s %s" % (fmt_tenths(pts[0][0]), fmt_tenths(pts[0][1])), "l"]
        moves = []
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            moves.append("%s %s" % (fmt_tenths(x2 - x1), fmt_tenths(y2 - y1)))
        s.append(" ".join(moves))
        s.append("z")
        parts.append("".join(s))
    return "".join(parts)


# ---------------------------------------------------------------- build

def load(data_dir):
    path = os.path.join(data_dir, SOURCE_FILE)
    if not os.path.isfile(path):
        die("missing %s (pass --data)" % path)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    feats = {}
    for feat in doc["features"]:
        code, name = feat["properties"]["code"], feat["properties"]["nom"]
        if code in feats:
            die("duplicate code %s in %s" % (code, SOURCE_FILE))
        feats[code] = (name, polygons_of(feat["geometry"]))
    if len(feats) != 101:
        die("%s has %d features, expected 101" % (SOURCE_FILE, len(feats)))
    return feats


def clean_polygons(rings_by_code):
    """Drop tiny islets (keeping at least the biggest part) and holes; return outer rings."""
    out = {}
    for code, rings in rings_by_code.items():
        areas = [abs(ring_area(r)) for r in rings]
        biggest = max(areas)
        out[code] = [r for r, a in zip(rings, areas) if a >= MIN_ISLET_AREA or a == biggest]
    return out


def build(data_dir):
    feats = load(data_dir)
    mainland = sorted(c for c in feats if c not in dict(OVERSEAS))

    # ---- mainland: Lambert-93 then fit to the right box
    projected = {}
    for code in mainland:
        projected[code] = [[lambert93(lon, lat) for lon, lat in ring]
                           for poly in feats[code][1] for ring in poly[:1]]   # outer rings only
    all_pts = [p for rings in projected.values() for r in rings for p in r]
    b = bounds_of(all_pts)
    main_w = WIDTH - MARGIN - MAINLAND_LEFT
    scale = main_w / (b[2] - b[0])
    main_h = scale * (b[3] - b[1])
    height = round(main_h + 2 * MARGIN)
    to_main, _ = fit(b, (MAINLAND_LEFT, MARGIN, main_w, main_h))
    drawn = {c: [[to_main(p) for p in r] for r in rings] for c, rings in projected.items()}
    # exact integer coordinates keep shared vertices shared; simplify in drawing units
    drawn = {c: [[(round(x, 6), round(y, 6)) for x, y in r] for r in rings] for c, rings in drawn.items()}
    simplifier = Simplifier(drawn, TOLERANCE)
    shapes = {c: clean_polygons({c: [simplifier.ring(r) for r in rings]})[c] for c, rings in drawn.items()}
    labels = {c: label_point(max(rings, key=lambda r: abs(ring_area(r)))) for c, rings in shapes.items()}

    insets = []
    # ---- Paris and petite couronne, enlarged, in the empty Channel corner (top left of the mainland)
    paris_pts = [p for c in PARIS for r in projected[c] for p in r]
    pb = bounds_of(paris_pts)
    pad = 0.08 * (pb[2] - pb[0])
    pb = (pb[0] - pad, pb[1] - pad, pb[2] + pad, pb[3] + pad)
    pw = scale * PARIS_ZOOM * (pb[2] - pb[0])
    ph = scale * PARIS_ZOOM * (pb[3] - pb[1])
    paris_box = (MAINLAND_LEFT, MARGIN, max(pw, PARIS_BOX_MIN_WIDTH), ph + INSET_CAPTION_HEIGHT)
    insets.append(("paris", paris_box, "Paris, petite couronne \u00d7%d" % PARIS_ZOOM))
    to_paris, _ = fit(pb, (paris_box[0], paris_box[1] + INSET_CAPTION_HEIGHT, paris_box[2], ph))
    # the box sits in the empty Channel corner: make sure no mainland shape reaches into it
    bx, by, bw, bh = paris_box
    for c, rings in shapes.items():
        for r in rings:
            for x, y in r:
                if bx - 2 <= x <= bx + bw + 2 and by - 2 <= y <= by + bh + 2:
                    die("the Paris inset box overlaps %s; change PARIS_ZOOM or PARIS_BOX_MIN_WIDTH" % c)
    paris_drawn = {c: [[to_paris(p) for p in r] for r in projected[c]] for c in PARIS}
    paris_drawn = {c: [[(round(x, 6), round(y, 6)) for x, y in r] for r in rings] for c, rings in paris_drawn.items()}
    psimp = Simplifier(paris_drawn, TOLERANCE)
    for c in PARIS:
        zoomed = [psimp.ring(r) for r in paris_drawn[c]]
        shapes[c] = shapes[c] + zoomed
        labels[c] = label_point(max(zoomed, key=lambda r: abs(ring_area(r))))

    # ---- overseas: a column of boxes on the left, each fitted
    n = len(OVERSEAS)
    gap = 6.0
    box_h = (height - 2 * MARGIN - (n - 1) * gap) / n
    for i, (code, caption) in enumerate(OVERSEAS):
        name, polys = feats[code]
        rings = [ring for poly in polys for ring in poly[:1]]
        lats = [lat for r in rings for _, lat in r]
        proj = equirectangular((min(lats) + max(lats)) / 2)
        pr = [[proj(lon, lat) for lon, lat in r] for r in rings]
        box = (MARGIN, MARGIN + i * (box_h + gap), INSET_COLUMN_WIDTH, box_h)
        insets.append((code, box, "%s (%s)" % (caption, code)))
        inner = (box[0] + 6, box[1] + INSET_CAPTION_HEIGHT + 2, box[2] - 12, box[3] - INSET_CAPTION_HEIGHT - 8)
        to_box, _ = fit(bounds_of([p for r in pr for p in r]), inner)
        d = {code: [[(round(x, 6), round(y, 6)) for x, y in (to_box(p) for p in r)] for r in pr]}
        simp = Simplifier(d, TOLERANCE)
        shapes[code] = clean_polygons({code: [simp.ring(r) for r in d[code]]})[code]
        labels[code] = label_point(max(shapes[code], key=lambda r: abs(ring_area(r))))

    lines = [
        "# repartir map geometry: the 101 départements, drawn in a %d x %d box (y down, north up)." % (WIDTH, height),
        "# Written by scripts/build-map-geometry.py from %s (IGN Admin Express COG 2018," % SOURCE_FILE,
        "# Licence Ouverte; see geometry/SOURCES.md). Do not edit by hand: rerun the script.",
        "# Mainland: Lambert-93 (EPSG:2154). Overseas 971-976 and Paris: insets, not to the mainland's scale.",
        "# Records: viewbox W H | inset ID X Y W H CAPTION | dep CODE NAME LABEL_X LABEL_Y PATH",
        "viewbox\t%d\t%d" % (WIDTH, height),
    ]
    for ident, (x, y, w, h), caption in insets:
        lines.append("inset\t%s\t%s\t%s\t%s\t%s\t%s" % (ident, fmt_tenths(tenths(x)), fmt_tenths(tenths(y)),
                                                       fmt_tenths(tenths(w)), fmt_tenths(tenths(h)), caption))
    for code in sorted(feats):
        name = feats[code][0]
        lx, ly = labels[code]
        lines.append("dep\t%s\t%s\t%s\t%s\t%s" % (code, name, fmt_tenths(tenths(lx)), fmt_tenths(tenths(ly)),
                                                  path_data(shapes[code])))
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.path.join("..", "shared", "data"),
                   help="folder holding %s (relative to the repository root; default ../shared/data)" % SOURCE_FILE)
    p.add_argument("--out", default=DEFAULT_OUT,
                   help="folder to write %s in (relative to the repository root)" % OUTPUT_NAME)
    p.add_argument("--check", action="store_true",
                   help="regenerate in memory and exit 1 if the committed file differs")
    opts = p.parse_args(argv)
    data_dir = os.path.normpath(os.path.join(REPO_ROOT, opts.data))
    out_path = os.path.normpath(os.path.join(REPO_ROOT, opts.out, OUTPUT_NAME))
    text = build(data_dir).encode("utf-8")

    if opts.check:
        current = open(out_path, "rb").read() if os.path.isfile(out_path) else None
        if current != text:
            print("build-map-geometry: %s is %s\n  regenerate with: python3 scripts/build-map-geometry.py"
                  % (out_path, "missing" if current is None else "out of date"), file=sys.stderr)
            return 1
        print("build-map-geometry: %s is up to date" % out_path, file=sys.stderr)
        return 0

    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out_path), prefix=".paths-")
    with os.fdopen(fd, "wb") as f:
        f.write(text)
    os.replace(tmp, out_path)
    print("build-map-geometry: wrote %s (%d bytes, %d lines)" % (out_path, len(text), text.count(b"\n")),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
