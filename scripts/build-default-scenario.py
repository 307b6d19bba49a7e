#!/usr/bin/env python3
"""Build the default scenario `scenarios/france-relance-2020/` from the public data.

Reads the real public data of shared/data (provenance in its SOURCES.md) and writes,
deterministically (rows sorted by id, "\\n" line endings, UTF-8 without BOM, "." decimals,
minimal CSV quoting):

  scenarios/france-relance-2020/territories.csv   one row per département (101)
  scenarios/france-relance-2020/structures.csv    one row per real CNFS host structure
  scenarios/france-relance-2020/calibration.json  derived figures, assumptions and inputs

Only the Python standard library is used. Running it twice gives byte-identical files.

Usage:
  python3 scripts/build-default-scenario.py            # (re)generate the scenario files
  python3 scripts/build-default-scenario.py --check    # exit 1 if the committed files differ

See scenarios/france-relance-2020/SOURCES.md for the meaning of every column and assumption.
"""

import argparse
import csv
import hashlib
import io
import json
import math
import os
import statistics
import sys
import tempfile
from fractions import Fraction

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO_REL = os.path.join("scenarios", "france-relance-2020")
OUTPUT_FILES = ("territories.csv", "structures.csv", "calibration.json")

F_DEPARTEMENTS = "departements.csv"
F_AGES = "insee_estimation_population_2021_departement_age.csv"
F_INDICATEURS = "departements_indicateurs.csv"
F_STRUCTURES = "cnfs_structures_coselec_2023-04-05.csv"
F_POSTES = "cnfs_postes_par_departement.csv"
F_CRA = "cnfs_activite_cra_par_departement_2024-02.csv"
INPUT_FILES = (F_DEPARTEMENTS, F_AGES, F_INDICATEURS, F_STRUCTURES, F_POSTES, F_CRA)

TERRITORY_COLUMNS = [
    "code", "name", "region_code", "region_name", "overseas", "population",
    "population_15_plus", "population_75_plus", "ifn", "poverty_rate_pct", "posts_2021",
]
STRUCTURE_COLUMNS = [
    "id", "name", "territory", "kind", "capacity", "cofinancing_eur", "posts_2021",
    "commune_code", "zrr", "qpv",
]

AGE_BANDS = [
    "0_4", "5_9", "10_14", "15_19", "20_24", "25_29", "30_34", "35_39", "40_44", "45_49",
    "50_54", "55_59", "60_64", "65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95_plus",
]
BANDS_15_PLUS = ["pop_" + b for b in AGE_BANDS[AGE_BANDS.index("15_19"):]]
BANDS_75_PLUS = ["pop_" + b for b in AGE_BANDS[AGE_BANDS.index("75_79"):]]

# National reference figures (see reference_figures.csv and the scenario SOURCES.md).
REFERENCE = {
    "posts_target": 4000,
    "budget_eur": 200000000,
    "subsidy_public_eur": 50000,
    "subsidy_public_months": 24,
    "subsidy_public_overseas_eur": 70000,
    "subsidy_public_overseas_months": 24,
    "subsidy_private_eur": 32000,
    "subsidy_private_months": 18,
    "illectronisme_15_plus_2019_pct": 16.5,
    "non_internet_use_75_plus_2019_pct": 64,
}
# "70 % of the SMIC for 3 years" financing option: the host pays the remaining 30 % over 36 months.
HOST_SHARE_FRACTION = Fraction(3, 10)
HOST_SHARE_MONTHS = 36


def die(msg):
    print("build-default-scenario: error: " + msg, file=sys.stderr)
    sys.exit(2)


def read_csv(data_dir, name):
    path = os.path.join(data_dir, name)
    if not os.path.isfile(path):
        die("missing input file %s" % path)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def round_half_up(x):
    """Round a Fraction (or int) to the nearest integer, halves away from zero (x >= 0 here)."""
    return int(math.floor(Fraction(x) + Fraction(1, 2)))


def num(x):
    """A Fraction as an int when integral, else a float rounded to 4 decimals (for JSON)."""
    x = Fraction(x)
    if x.denominator == 1:
        return int(x)
    return round(float(x), 4)


def flag(value):
    v = value.strip().lower()
    if v == "oui":
        return "true"
    if v == "non":
        return "false"
    return ""


def write_csv(path, columns, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for r in rows:
        w.writerow([r[c] for c in columns])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def build(data_dir, out_dir, opts):
    deps = read_csv(data_dir, F_DEPARTEMENTS)
    ages = {r["code_dep"]: r for r in read_csv(data_dir, F_AGES)}
    indic = {r["code_dep"]: r for r in read_csv(data_dir, F_INDICATEURS)}
    structs = read_csv(data_dir, F_STRUCTURES)
    postes = {r["code_dep"]: r for r in read_csv(data_dir, F_POSTES)}
    cra = {r["code_dep"]: r for r in read_csv(data_dir, F_CRA)}
    warnings = []

    codes = sorted(r["code_dep"] for r in deps)
    if len(codes) != 101 or len(set(codes)) != 101:
        die("expected 101 distinct départements in %s, got %d" % (F_DEPARTEMENTS, len(codes)))
    code_set = set(codes)
    for name, table in ((F_AGES, ages), (F_INDICATEURS, indic), (F_CRA, cra)):
        missing = code_set - set(table)
        if missing:
            die("%s lacks départements %s" % (name, sorted(missing)))

    # ---- structures -------------------------------------------------------------------
    kept, excluded = [], []
    for r in structs:
        (kept if r["code_dep"] in code_set else excluded).append(r)

    def dup_key(r):
        # order of the duplicates of one siret: code_dep, name, commune, posts, then every
        # other field so that the order never depends on the input row order
        return (r["code_dep"], r["raison_sociale"].strip(), r["code_commune_insee"],
                int(r["nb_conseillers_valides_coselec"]), tuple(sorted(r.items())))

    by_siret = {}
    for r in kept:
        by_siret.setdefault(r["siret"].strip(), []).append(r)

    host_share = {
        "public": HOST_SHARE_FRACTION * HOST_SHARE_MONTHS
        * Fraction(REFERENCE["subsidy_public_eur"], REFERENCE["subsidy_public_months"]),
        "public_overseas": HOST_SHARE_FRACTION * HOST_SHARE_MONTHS
        * Fraction(REFERENCE["subsidy_public_overseas_eur"], REFERENCE["subsidy_public_overseas_months"]),
        "private": HOST_SHARE_FRACTION * HOST_SHARE_MONTHS
        * Fraction(REFERENCE["subsidy_private_eur"], REFERENCE["subsidy_private_months"]),
    }
    fraction = {"public": opts.cofinancing_public, "private": opts.cofinancing_private}

    out_structs = []
    duplicated_sirets = 0
    for siret, group in by_siret.items():
        group.sort(key=dup_key)
        if len(group) > 1:
            duplicated_sirets += 1
        for i, r in enumerate(group):
            sid = "S" + siret + ("" if i == 0 else "-%d" % (i + 1))
            t = r["type"].strip()
            if t == "publique":
                kind = "public"
            elif t == "privée":
                kind = "private"
            else:
                die("unknown structure type %r (siret %s)" % (t, siret))
            posts = int(r["nb_conseillers_valides_coselec"])
            capacity = round_half_up(opts.capacity_factor * posts)
            overseas = r["code_dep"].startswith("97")
            share = host_share["public_overseas" if (kind == "public" and overseas) else kind]
            cofin = round_half_up(fraction[kind] * capacity * share)
            out_structs.append({
                "id": sid,
                "name": r["raison_sociale"].strip(),
                "territory": r["code_dep"],
                "kind": kind,
                "capacity": capacity,
                "cofinancing_eur": cofin,
                "posts_2021": posts,
                "commune_code": r["code_commune_insee"].strip(),
                "zrr": flag(r["zrr"]),
                "qpv": flag(r["qpv"]),
            })
    out_structs.sort(key=lambda s: s["id"])
    if len({s["id"] for s in out_structs}) != len(out_structs):
        die("duplicate structure ids")

    posts_by_dep = {c: 0 for c in codes}
    for s in out_structs:
        posts_by_dep[s["territory"]] += s["posts_2021"]
    for c in codes:
        published = int(postes[c]["postes_valides_coselec"]) if c in postes else None
        if published != posts_by_dep[c]:
            die("posts of %s: %s summed vs %s in %s" % (c, posts_by_dep[c], published, F_POSTES))
        if posts_by_dep[c] == 0:
            warnings.append("département %s has no validated post" % c)

    # ---- territories ------------------------------------------------------------------
    out_terr = []
    for d in sorted(deps, key=lambda r: r["code_dep"]):
        c = d["code_dep"]
        a = ages[c]
        p15 = sum(int(a[b]) for b in BANDS_15_PLUS)
        p75 = sum(int(a[b]) for b in BANDS_75_PLUS)
        if d.get("pop_75_plus_2021_01_01") and int(d["pop_75_plus_2021_01_01"]) != p75:
            warnings.append("75+ of %s differs from %s" % (c, F_DEPARTEMENTS))
        ifn = indic[c]["ifn_moyen_pondere_pop"].strip()
        if ifn == "":
            die("no IFN for %s: decide and document a rule before building" % c)
        pov = indic[c]["taux_pauvrete_2019_pct"].strip()
        if pov == "":
            warnings.append("no poverty rate for %s (kept empty)" % c)
        out_terr.append({
            "code": c,
            "name": d["nom_dep"].strip(),
            "region_code": d["code_region"].strip(),
            "region_name": d["nom_region"].strip(),
            "overseas": "true" if c.startswith("97") else "false",
            "population": int(d["pop_municipale_2021"]),
            "population_15_plus": p15,
            "population_75_plus": p75,
            "ifn": ifn,
            "poverty_rate_pct": pov,
            "posts_2021": posts_by_dep[c],
        })

    # ---- calibration ------------------------------------------------------------------
    years = opts.reporting_years
    ratios = {}
    for c in codes:
        if posts_by_dep[c] > 0:
            ratios[c] = Fraction(int(cra[c]["usagers"])) / posts_by_dep[c]
    median_ratio = statistics.median(ratios.values())  # Fraction (mean of 2 middles if even)
    total_usagers = sum(int(cra[c]["usagers"]) for c in codes)
    total_posts = sum(posts_by_dep.values())
    national_ratio = Fraction(total_usagers, total_posts)
    cmin = min(ratios, key=lambda c: (ratios[c], c))
    cmax = max(ratios, key=lambda c: (ratios[c], c))
    people_per_post_year = round_half_up(median_ratio / years)

    calibration = {
        "generated_by": "scripts/build-default-scenario.py",
        "people_per_post_year": people_per_post_year,
        "people_per_post_year_calibration": {
            "method": "median over départements of usagers / posts_2021, divided by reporting_years, "
                      "rounded to the nearest integer",
            "source": F_CRA + " (usagers) and " + F_STRUCTURES + " (nb_conseillers_valides_coselec)",
            "reporting_years": num(years),
            "departements_used": len(ratios),
            "median_usagers_per_post": num(median_ratio),
            "median_people_per_post_year_unrounded": num(median_ratio / years),
            "national_usagers_total": total_usagers,
            "national_posts_total": total_posts,
            "national_usagers_per_post": num(national_ratio),
            "national_people_per_post_year": num(national_ratio / years),
            "min_usagers_per_post": {"code": cmin, "value": num(ratios[cmin]),
                                      "per_post_year": num(ratios[cmin] / years)},
            "max_usagers_per_post": {"code": cmax, "value": num(ratios[cmax]),
                                      "per_post_year": num(ratios[cmax] / years)},
        },
        "assumptions": {
            "capacity_factor": num(opts.capacity_factor),
            "cofinancing_fraction_public": num(opts.cofinancing_public),
            "cofinancing_fraction_private": num(opts.cofinancing_private),
            "host_share_fraction": num(HOST_SHARE_FRACTION),
            "host_share_months": HOST_SHARE_MONTHS,
            "reporting_years": num(years),
        },
        "host_share_per_post_eur": {k: num(v) for k, v in sorted(host_share.items())},
        "reference_figures": dict(REFERENCE),
        "counts": {
            "territories": len(out_terr),
            "territories_overseas": sum(1 for t in out_terr if t["overseas"] == "true"),
            "structures_source_rows": len(structs),
            "structures_kept": len(out_structs),
            "structures_kept_public": sum(1 for s in out_structs if s["kind"] == "public"),
            "structures_kept_private": sum(1 for s in out_structs if s["kind"] == "private"),
            "structures_excluded": len(excluded),
            "structures_excluded_codes": sorted({r["code_dep"] for r in excluded}),
            "structures_excluded_posts": sum(int(r["nb_conseillers_valides_coselec"]) for r in excluded),
            "sirets_with_several_rows": duplicated_sirets,
            "posts_kept": total_posts,
        },
        "totals": {
            "population": sum(t["population"] for t in out_terr),
            "population_15_plus": sum(t["population_15_plus"] for t in out_terr),
            "population_75_plus": sum(t["population_75_plus"] for t in out_terr),
            "posts_2021": total_posts,
            "capacity": sum(s["capacity"] for s in out_structs),
            "cofinancing_eur": sum(s["cofinancing_eur"] for s in out_structs),
        },
        "inputs_sha256": {name: sha256(os.path.join(data_dir, name)) for name in INPUT_FILES},
    }

    os.makedirs(out_dir, exist_ok=True)
    write_csv(os.path.join(out_dir, "territories.csv"), TERRITORY_COLUMNS, out_terr)
    write_csv(os.path.join(out_dir, "structures.csv"), STRUCTURE_COLUMNS, out_structs)
    with open(os.path.join(out_dir, "calibration.json"), "w", encoding="utf-8", newline="") as f:
        f.write(json.dumps(calibration, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return calibration, warnings


def parse_fraction(text):
    try:
        v = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError("not a number: %r" % text)
    if v < 0:
        raise argparse.ArgumentTypeError("must be >= 0: %r" % text)
    return v


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=os.path.join("..", "shared", "data"),
                   help="input data folder; a relative path is taken from the repository root "
                        "(default: ../shared/data)")
    p.add_argument("--out", default=SCENARIO_REL,
                   help="output folder, relative to the repository root (default: %s)" % SCENARIO_REL)
    p.add_argument("--capacity-factor", type=parse_fraction, default=Fraction(2),
                   help="capacity = round(factor x validated posts) (default: 2)")
    p.add_argument("--cofinancing-public", type=parse_fraction, default=Fraction(1, 2),
                   help="share of its capacity a public host can co-finance (default: 0.5)")
    p.add_argument("--cofinancing-private", type=parse_fraction, default=Fraction(1, 4),
                   help="share of its capacity a private host can co-finance (default: 0.25)")
    p.add_argument("--reporting-years", type=parse_fraction, default=Fraction(5, 2),
                   help="post-years per validated post covered by the activity reports (default: 2.5)")
    p.add_argument("--check", action="store_true",
                   help="regenerate into a temporary folder and exit 1 if the files in --out differ")
    opts = p.parse_args(argv)
    if opts.capacity_factor <= 0 or opts.reporting_years <= 0:
        p.error("--capacity-factor and --reporting-years must be > 0")

    data_dir = os.path.normpath(os.path.join(REPO_ROOT, opts.data))
    out_dir = os.path.normpath(os.path.join(REPO_ROOT, opts.out))

    if opts.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(data_dir, tmp, opts)
            differ = []
            for name in OUTPUT_FILES:
                committed = os.path.join(out_dir, name)
                if not os.path.isfile(committed):
                    differ.append(name + " (missing)")
                    continue
                with open(committed, "rb") as a, open(os.path.join(tmp, name), "rb") as b:
                    if a.read() != b.read():
                        differ.append(name)
        if differ:
            print("build-default-scenario: out of date in %s: %s\n"
                  "  regenerate with: python3 scripts/build-default-scenario.py"
                  % (out_dir, ", ".join(differ)), file=sys.stderr)
            return 1
        print("build-default-scenario: %s is up to date" % out_dir, file=sys.stderr)
        return 0

    cal, warnings = build(data_dir, out_dir, opts)
    c, t, k = cal["counts"], cal["totals"], cal["people_per_post_year_calibration"]
    print("build-default-scenario: wrote %s" % out_dir, file=sys.stderr)
    print("  territories %d (%d overseas); structures %d kept (%d public, %d private), "
          "%d excluded (codes %s, %d posts)"
          % (c["territories"], c["territories_overseas"], c["structures_kept"],
             c["structures_kept_public"], c["structures_kept_private"], c["structures_excluded"],
             ",".join(c["structures_excluded_codes"]), c["structures_excluded_posts"]), file=sys.stderr)
    print("  population %d, 15+ %d, 75+ %d; posts_2021 %d, capacity %d, cofinancing %d EUR"
          % (t["population"], t["population_15_plus"], t["population_75_plus"], t["posts_2021"],
             t["capacity"], t["cofinancing_eur"]), file=sys.stderr)
    print("  people_per_post_year %d (median %.1f usagers/post / %s years; national %.1f/post-year; "
          "range %s %.1f .. %s %.1f usagers/post)"
          % (cal["people_per_post_year"], k["median_usagers_per_post"], k["reporting_years"],
             k["national_people_per_post_year"], k["min_usagers_per_post"]["code"],
             k["min_usagers_per_post"]["value"], k["max_usagers_per_post"]["code"],
             k["max_usagers_per_post"]["value"]), file=sys.stderr)
    for w in warnings:
        print("  warning: " + w, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
