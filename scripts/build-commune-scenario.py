#!/usr/bin/env python3
"""Build the commune tables of `scenarios/france-relance-2020-communes/` from the public data.

Reads shared/data (provenance in its SOURCES.md) and the default scenario's own tables
(`scenarios/france-relance-2020/territories.csv`, `structures.csv`, which the commune scenario
uses as they are, by relative path) and writes, deterministically (rows sorted by code or id,
"\\n" line endings, UTF-8 without BOM, "." decimals, minimal CSV quoting):

  scenarios/france-relance-2020-communes/demand.csv      one row per commune / arrondissement
  scenarios/france-relance-2020-communes/candidates.csv  one row per France Services site

The commune need itself is not computed here: repartir splits each territory's need over its
communes (population x IFN, territory totals kept exactly; docs/scenarios.md, "demand.csv").
Every assumption is in the scenario's SOURCES.md.

Only the Python standard library is used. Running it twice gives byte-identical files.

Usage:
  python3 scripts/build-commune-scenario.py [--data DIR]           # (re)generate the tables
  python3 scripts/build-commune-scenario.py [--data DIR] --check   # exit 1 if the committed files differ
"""

import argparse
import csv
import io
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_REL = os.path.join("scenarios", "france-relance-2020")
SCENARIO_REL = os.path.join("scenarios", "france-relance-2020-communes")
DEFAULT_DATA = os.path.join("..", "shared", "data")  # relative to the current folder, as build-default-scenario.py

DEMAND_COLUMNS = ["code", "name", "territory", "epci", "population", "ifn", "latitude", "longitude"]
CANDIDATE_COLUMNS = ["id", "name", "territory", "kind", "capacity", "cofinancing_eur", "commune_code"]

# Assumptions on France Services sites as candidate hosts (SOURCES.md says why).
CANDIDATE_KIND = "public"
CANDIDATE_CAPACITY = 2
CANDIDATE_COFINANCING_EUR = 0

# Paris, Lyon and Marseille are listed by arrondissement in communes.csv, by commune in the EPCI file.
PLM = {"751": "75056", "6938": "69123", "132": "13055"}


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def render(columns, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return out.getvalue()


def plm_commune(code):
    for prefix, commune in PLM.items():
        if code.startswith(prefix) and code != commune and len(code) == 5:
            return commune
    return code


def build(data, repo):
    territories = {r["code"] for r in read_csv(os.path.join(repo, DEFAULT_REL, "territories.csv"))}
    structures = read_csv(os.path.join(repo, DEFAULT_REL, "structures.csv"))
    communes = read_csv(os.path.join(data, "communes.csv"))
    ifn = {r["code"]: r["total"] for r in read_csv(os.path.join(data, "ifn_communes_2023.csv")) if r["niveau"] == "city"}
    epci = {r["code_insee"]: r["siren_epci"] for r in read_csv(os.path.join(data, "epci_communes_2024.csv"))}
    services = read_csv(os.path.join(data, "france_services_2024-08-01.csv"))

    demand = []
    notes = {"no_coordinates": [], "no_ifn": [], "no_epci": [], "outside_territories": []}
    for row in communes:
        code = row["code_insee"]
        if row["code_dep"] not in territories:
            notes["outside_territories"].append(code)
            continue
        if not row["latitude"] or not row["longitude"]:
            notes["no_coordinates"].append(code)
        value = ifn.get(code, "")
        if value == "":
            notes["no_ifn"].append(code)
        unit = epci.get(plm_commune(code), "")
        if unit == "":
            notes["no_epci"].append(code)
        demand.append({
            "code": code, "name": row["nom"], "territory": row["code_dep"], "epci": unit,
            "population": int(row["pop_municipale_2021"]), "ifn": value,
            "latitude": row["latitude"], "longitude": row["longitude"],
        })
    demand.sort(key=lambda r: r["code"])
    known = {r["code"] for r in demand}

    missing = sorted({s["commune_code"] for s in structures if s["commune_code"] not in known})
    if missing:
        sys.exit(f"structures.csv names communes absent from communes.csv: {', '.join(missing[:10])}")

    candidates = []
    skipped = []
    for row in services:
        if row["code_dep"] not in territories or row["code_commune_insee"] not in known:
            skipped.append(row["id_fs"])
            continue
        candidates.append({
            "id": "FS%05d" % int(row["id_fs"]), "name": row["nom"], "territory": row["code_dep"],
            "kind": CANDIDATE_KIND, "capacity": CANDIDATE_CAPACITY, "cofinancing_eur": CANDIDATE_COFINANCING_EUR,
            "commune_code": row["code_commune_insee"],
        })
    candidates.sort(key=lambda r: r["id"])
    notes["candidates_skipped"] = sorted(skipped, key=int)
    return {"demand.csv": render(DEMAND_COLUMNS, demand), "candidates.csv": render(CANDIDATE_COLUMNS, candidates)}, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder of the public data (default: ../shared/data)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ from a fresh build")
    options = parser.parse_args()
    files, notes = build(options.data, REPO_ROOT)
    folder = os.path.join(REPO_ROOT, SCENARIO_REL)
    if options.check:
        stale = []
        for name, text in files.items():
            path = os.path.join(folder, name)
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                stale.append(name)
        if stale:
            print("out of date: " + ", ".join(stale) + " (run scripts/build-commune-scenario.py)", file=sys.stderr)
            return 1
        print("up to date")
        return 0
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    for key, codes in notes.items():
        print(f"{key}: {len(codes)} {' '.join(codes[:12])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
