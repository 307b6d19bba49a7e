#!/usr/bin/env python3
"""Writes a copy of the national commune scenario whose reach is a table (`reach.table`, docs/scenarios.md,
"reach.csv") instead of the radius: every (commune, site commune) pair within RADIUS km as the crow flies, with
minutes = km (60 km/h), and `reach.max_minutes: RADIUS`. Not a router's travel times: a stand-in of the real size,
to time the table's reading and to check that it reaches what the radius reaches.

    scripts/make-reach-table.py OUT_FOLDER [RADIUS_KM]      default 15

Then: repartir validate OUT_FOLDER (or run). Needs python3 with numpy and scipy.
"""
import csv
import math
import os
import sys

import numpy as np
from scipy.spatial import cKDTree

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
source = os.path.join(root, "scenarios", "france-relance-2020-communes")
out = os.path.abspath(sys.argv[1])
radius = float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
earth = 6371.0088

with open(os.path.join(source, "demand.csv"), newline="", encoding="utf-8") as f:
    communes = [(r["code"], r["latitude"], r["longitude"]) for r in csv.DictReader(f)]
sites = set()
for table in [os.path.join(root, "scenarios", "france-relance-2020", "structures.csv"), os.path.join(source, "candidates.csv")]:
    with open(table, newline="", encoding="utf-8") as f:
        sites.update(r["commune_code"] for r in csv.DictReader(f))

located = [(code, float(lat), float(lon)) for code, lat, lon in communes if lat and lon]
codes = [c for c, _, _ in located]
lat = np.radians([la for _, la, _ in located])
lon = np.radians([lo for _, _, lo in located])
points = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
tree = cKDTree(points)
chord = 2 * math.sin(radius / earth / 2)
rows = 0
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "reach.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["commune_code", "site_commune_code", "minutes"])
    for i, code in enumerate(codes):
        if code not in sites:
            continue
        for j in sorted(tree.query_ball_point(points[i], chord * (1 + 1e-9))):
            if j == i:
                continue
            d = np.linalg.norm(points[i] - points[j])
            km = 2 * earth * math.asin(min(1.0, d / 2))
            if km <= radius:
                w.writerow([codes[j], code, f"{km:.4f}"])
                rows += 1

with open(os.path.join(source, "scenario.yaml"), encoding="utf-8") as f:
    yaml = f.read()
yaml = yaml.replace("../france-relance-2020/", os.path.join(root, "scenarios", "france-relance-2020") + "/")
yaml = yaml.replace("demand: demand.csv", "demand: " + os.path.join(source, "demand.csv"))
yaml = yaml.replace("candidates: candidates.csv", "candidates: " + os.path.join(source, "candidates.csv"))
yaml = yaml.replace(
    "  radius_km: 15                    # great-circle distance between commune points",
    f"  table: reach.csv\n  max_minutes: {radius:g}",
)
assert "table: reach.csv" in yaml
with open(os.path.join(out, "scenario.yaml"), "w", encoding="utf-8") as f:
    f.write(yaml)
print(f"{rows} rows within {radius:g} km from {len(sites & set(codes))} site communes: {out}")
