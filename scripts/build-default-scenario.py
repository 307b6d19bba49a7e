#!/usr/bin/env python3
"""Build the default scenario `scenarios/france-relance-2020/` from the public data.

Reads the real public data of shared/data (provenance in its SOURCES.md) and writes,
deterministically (rows sorted by id, "\\n" line endings, UTF-8 without BOM, "." decimals,
minimal CSV quoting):

  scenarios/france-relance-2020/territories.csv   one row per département (101)
  scenarios/france-relance-2020/structures.csv    one row per real CNFS host structure
  scenarios/france-relance-2020/calibration.json  derived figures, assumptions and inputs

Only the Python standard library is used. Running it twice gives byte-identical files.

With --replay it writes scenarios/france-relance-2020-replay/ instead: the same tables with the
2021-derived host assumptions (capacity = 2 x posts_2021, co-financing from it), for comparison.

Usage:
  python3 scripts/build-default-scenario.py            # (re)generate the scenario files
  python3 scripts/build-default-scenario.py --check    # exit 1 if the committed files differ
  python3 scripts/build-default-scenario.py --replay [--check]   # the 2021-replay scenario

See scenarios/france-relance-2020/SOURCES.md for the meaning of every column and assumption.
"""

import argparse
import csv
import datetime
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
F_COMMUNES = "communes.csv"
F_EPCI = "epci_communes_2024.csv"
F_FILOSOFI_COM = "insee_filosofi_2019_communes.csv"
F_FILOSOFI_DEP = "insee_filosofi_2019_departements.csv"
F_IFN_COM = "ifn_communes_2023.csv"
INPUT_FILES = (F_DEPARTEMENTS, F_AGES, F_INDICATEURS, F_STRUCTURES, F_POSTES, F_CRA,
               F_COMMUNES, F_EPCI, F_FILOSOFI_COM, F_FILOSOFI_DEP, F_IFN_COM)
REPLAY_REL = os.path.join("scenarios", "france-relance-2020-replay")

TERRITORY_COLUMNS = [
    "code", "name", "region_code", "region_name", "overseas", "population",
    "population_15_plus", "population_75_plus", "ifn", "poverty_rate_pct", "posts_2021",
    "ifn_total",
]
STRUCTURE_COLUMNS = [
    "id", "name", "territory", "kind", "capacity", "cofinancing_eur", "posts_2021",
    "commune_code", "zrr", "qpv", "host_level", "catchment_population", "catchment_median_income_eur",
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


# ---- independent host capacity and co-financing (default scenario) ----------------------
#
# Every figure below is a documented guess (SOURCES.md, "Host capacity and co-financing"); its
# plausible range is written to calibration.json ("guesses") and used by the robustness analysis.
# None of them reads posts_2021.

# Inhabitants of its catchment per post a public host could take (1 post per 10,000: about
# 1.7 x the programme's national density of 4,000 posts for 67.4 M people).
PUBLIC_PEOPLE_PER_CAPACITY_POST = 10000
# Largest capacity of one host (a département council or a metropolis; no 2021 host had more than 37).
PUBLIC_CAPACITY_MAX = 40
# Private hosts (associations, ESS companies): capacity by the size of their commune.
PRIVATE_CAPACITY_BRACKETS = ((100000, 3), (20000, 2), (0, 1))  # (commune population >=, posts)
# Share of its capacity a host can co-finance under the 3-year option, before the income modulation.
COFINANCING_BASE = {"public": Fraction(1, 2), "private": Fraction(1, 4)}
# A public host's share follows its catchment's median standard of living relative to France,
# within these bounds (a poorer tax base pays less, a richer one more).
COFINANCING_PUBLIC_BOUNDS = (Fraction(1, 4), Fraction(3, 4))

GUESS_RANGES = {
    # multiplicative ranges applied to the columns by the robustness analysis (scenario key robustness.*)
    "capacity_factor": [Fraction(1, 2), Fraction(2)],
    "cofinancing_factor": [Fraction(1, 2), Fraction(3, 2)],
}

# Level of a public host, from words of its name (checked in this order; first match wins; the
# words are matched at the start of the name first, then anywhere, both after normalisation).
LEVEL_WORDS = (
    ("intercommunal", ("COMMUNAUTE", "COMM D AGGLO", "CC", "CA", "CU", "METROPOLE", "INTERCOMMUNAL",
                       "CIAS", "SIVOM", "SIVU", "SI", "SYNDICAT", "SM", "SMO", "PETR", "POLE D EQUILIBRE",
                       "PAYS", "ETABLISSEMENT PUBLIC TERRITORIAL", "EPT", "AGGLOMERATION", "AGGLO",
                       "INTERCO", "CDC", "SYND", "EUROMETROPOLE")),
    ("departement", ("DEPARTEMENT", "CONSEIL DEPARTEMENTAL", "CONSEIL GENERAL", "COLLECTIVITE",
                     "REGION", "CONSEIL REGIONAL", "CHAMBRE", "AGENCE REGIONALE", "CENTRE REGIONAL",
                     "DEPT", "DEPARTEMENTALE", "MAISON DEP")),
    ("commune", ("COMMUNE", "VILLE", "MAIRIE", "CCAS", "C C A S", "CENTRE COMMUNAL", "CTRE COM",
                 "CTRE COMMUNAL", "CENTRE COM")),
)
CITY_ARRONDISSEMENTS = (("751", "75056"), ("6938", "69123"), ("132", "13055"))


def normalised(name):
    """Upper case, accents, hyphens, apostrophes and dots as spaces: 'Communauté d'Agglo.' -> 'COMMUNAUTE D AGGLO'."""
    table = str.maketrans("ÀÂÄÉÈÊËÎÏÔÖÙÛÜÇ-'’.,()/", "AAAEEEEIIOOUUUC" + " " * 8)
    return " ".join(name.upper().translate(table).split())


def host_level(kind, name):
    """Administrative level of a host, from its kind and name: which population it serves."""
    if kind == "private":
        return "private"
    n = normalised(name)
    for level, words in LEVEL_WORDS:
        if any(n == w or n.startswith(w + " ") for w in words):
            return level
    padded = " " + n + " "
    for level, words in LEVEL_WORDS:
        if any(len(w) > 3 and (" " + w + " ") in padded for w in words):
            return level
    return "other_public"


def city_code(code):
    """Paris, Lyon, Marseille arrondissement -> its commune (the EPCI and Filosofi files know the commune)."""
    for prefix, city in CITY_ARRONDISSEMENTS:
        if code.startswith(prefix) and code != city:
            return city
    return code


# Paris, Lyon and Marseille postal codes of an arrondissement: 75001-75020 (75116), 69001-69009, 13001-13016.
PLM_POSTAL = (("75", "751", 20), ("69", "6938", 9), ("13", "132", 16))
# Sites read by hand where the rules below would guess (SOURCES.md, "Site commune"): siret -> (commune, why).
SITE_OVERRIDES = {
    "20005850100012": ("48099", "Bourgs sur Colagne, the commune nouvelle (SIREN 200058501, created in 2016) whose "
                                "postal code is the row's 48100; the file names it \"Bourg\" and codes it in Haute-Marne"),
}


def arrondissement_code(prefix, n):
    """INSEE code of arrondissement `n` from its city's prefix: ('751', 1) -> 75101, ('6938', 9) -> 69389."""
    return prefix + ("%02d" % n if len(prefix) == 3 else "%d" % n)


class SiteCommunes:
    """The commune a host works in, inside the département it is attached to.

    82 rows of the COSELEC file name a commune of another département than their `code_dep`: national networks
    registered at their seat (Emmaus Connect's posts of ten départements at Paris 19e), and homonyms the
    geocoding picked in the wrong département (Saint-Denis 93 placed at Saint-Denis de La Réunion). The
    département is what the programme attached the posts to, and the postal code agrees with it in all 82, so it
    is kept (SOURCES.md, "Site commune"): an intercommunal host whose EPCI spans the département keeps its seat;
    else a row read by hand (`SITE_OVERRIDES`); else the commune is moved into the département: the commune of the
    same name there, if exactly one and the postal code is not a chef-lieu's (DD000); else the arrondissement of a
    Paris, Lyon or Marseille postal code; else the département's chef-lieu (a Paris, Lyon or Marseille chef-lieu:
    its first arrondissement)."""

    def __init__(self, data_dir, deps, epci_of):
        self.dep_of = {}
        self.by_name = {}
        for r in read_csv(data_dir, F_COMMUNES):
            self.dep_of[r["code_insee"]] = r["code_dep"]
            key = (r["code_dep"], normalised(r["nom"]))
            self.by_name.setdefault(key, []).append(r["code_insee"])
        self.epci_of = epci_of  # Catchments' (EPCI by commune, BANATIC 2024)
        self.epci_deps = {}
        for code, epci in self.epci_of.items():
            if code in self.dep_of:
                self.epci_deps.setdefault(epci, set()).add(self.dep_of[code])
        self.chef_lieu = {}
        for d in deps:
            code = d["chef_lieu_code_insee"]
            for prefix, city in CITY_ARRONDISSEMENTS:
                if code == city:
                    code = arrondissement_code(prefix, 1)
            if self.dep_of.get(code) != d["code_dep"]:
                die("chef-lieu %s of %s is not a commune of it in %s" % (code, d["code_dep"], F_COMMUNES))
            self.chef_lieu[d["code_dep"]] = code
        for siret, (code, _) in SITE_OVERRIDES.items():
            if code not in self.dep_of:
                die("site override of %s: commune %s not in %s" % (siret, code, F_COMMUNES))

    def site(self, row, level):
        """(commune code, rule used or None when the published commune is in the département)."""
        code, dep = row["code_commune_insee"].strip(), row["code_dep"]
        if self.dep_of.get(code) == dep:
            return code, None
        if level == "intercommunal" and dep in self.epci_deps.get(self.epci_of.get(city_code(code)), ()):
            return code, "kept: an intercommunal host whose EPCI spans the département"
        override = SITE_OVERRIDES.get(row["siret"].strip())
        if override and self.dep_of[override[0]] == dep:
            return override[0], "read by hand"
        postal = row["code_postal"].strip().zfill(5)
        same_name = self.by_name.get((dep, normalised(row["commune"])), [])
        if len(same_name) == 1 and not postal.endswith("000"):
            return same_name[0], "same name in the département"
        for prefix, arrondissement, count in PLM_POSTAL:
            if dep == prefix and (postal.startswith(prefix + "0") or postal == "75116"):
                n = int(postal[2:]) % 100
                if 1 <= n <= count:
                    return arrondissement_code(arrondissement, n), "arrondissement of the postal code"
        return self.chef_lieu[dep], "chef-lieu of the département"


class Catchments:
    """Population and median standard of living of a commune, its EPCI and its département."""

    def __init__(self, data_dir, deps):
        self.commune_pop = {}
        for r in read_csv(data_dir, F_COMMUNES):
            pop = int(r["pop_municipale_2021"])
            self.commune_pop[r["code_insee"]] = pop
            city = city_code(r["code_insee"])
            if city != r["code_insee"]:
                self.commune_pop[city] = self.commune_pop.get(city, 0) + pop
        self.epci_of = {r["code_insee"]: r["siren_epci"] for r in read_csv(data_dir, F_EPCI)}
        self.epci_pop = {}
        for code, epci in self.epci_of.items():
            self.epci_pop[epci] = self.epci_pop.get(epci, 0) + self.commune_pop.get(code, 0)
        self.median = {}
        self.households = {}
        for r in read_csv(data_dir, F_FILOSOFI_COM):
            if r["MED19"].strip() not in ("", "s", "NA"):
                self.median[r["CODGEO"]] = Fraction(r["MED19"])
                self.households[r["CODGEO"]] = int(r["NBPERSMENFISC19"])
        self.dep_median = {}
        total_people, total_income = 0, Fraction(0)
        for r in read_csv(data_dir, F_FILOSOFI_DEP):
            if r["MED19"].strip() not in ("", "s", "NA"):
                self.dep_median[r["CODGEO"]] = Fraction(r["MED19"])
                people = int(r["NBPERSMENFISC19"])
                total_people += people
                total_income += people * Fraction(r["MED19"])
        # France: the mean of the départements' medians weighted by their people (a derived figure)
        self.national_median = total_income / total_people
        self.dep_pop = {d["code_dep"]: int(d["pop_municipale_2021"]) for d in deps}
        self.epci_median = {}
        sums = {}
        for code, epci in self.epci_of.items():
            if code in self.median:
                w, m = sums.get(epci, (0, Fraction(0)))
                sums[epci] = (w + self.households[code], m + self.households[code] * self.median[code])
        for epci, (w, m) in sums.items():
            if w > 0:
                self.epci_median[epci] = m / w

    def catchment(self, level, commune, dep):
        """(population, median standard of living, fallback used) of the host's catchment."""
        code = city_code(commune)
        fallback = []
        if level == "departement":
            pop = self.dep_pop[dep]
            med = self.dep_median.get(dep)
        elif level == "intercommunal" and code in self.epci_of:
            epci = self.epci_of[code]
            pop = self.epci_pop[epci]
            med = self.epci_median.get(epci)
        else:
            if level == "intercommunal":
                fallback.append("no EPCI: commune")
            pop = self.commune_pop.get(code)
            if pop is None:
                pop = self.commune_pop.get(commune)
            med = self.median.get(code)
        if pop is None:
            # commune code unknown in the 2023 geography (merged commune, typo): the département's
            # smallest plausible host, one capacity post
            fallback.append("unknown commune: population 0")
            pop = 0
        if med is None:
            fallback.append("no median: département's")
            med = self.dep_median.get(dep, self.national_median)
        return pop, med, fallback


# Components of the IFN kept for the need of people 15-74: the two that describe skills (poverty,
# people 15+ without a diploma). Left out: the share of people 65+ (age is counted by the 75+ term
# of the need formula and by the 15-74 population itself) and the two network-coverage components
# (access, not skills). See SOURCES.md, "Fragility index".
IFN_SKILL_COMPONENTS = ("poverty_rate", "nscol15p_rate")


def skills_fragility(data_dir, codes):
    """Per département: the mean of the IFN skill components of its communes, weighted by population.

    Returns ({code: Fraction}, {code: share of the population covered})."""
    pop = {}
    dep_of = {}
    dep_pop = {}
    for r in read_csv(data_dir, F_COMMUNES):
        pop[r["code_insee"]] = int(r["pop_municipale_2021"])
        dep_of[r["code_insee"]] = r["code_dep"]
        dep_pop[r["code_dep"]] = dep_pop.get(r["code_dep"], 0) + int(r["pop_municipale_2021"])
    sums = {}
    for r in read_csv(data_dir, F_IFN_COM):
        code = r["code"]
        if r.get("niveau") != "city" or code not in pop:
            continue
        try:
            score = sum(Fraction(r[k]) for k in IFN_SKILL_COMPONENTS) / len(IFN_SKILL_COMPONENTS)
        except (ValueError, ZeroDivisionError):
            continue
        w, m = sums.get(dep_of[code], (0, Fraction(0)))
        sums[dep_of[code]] = (w + pop[code], m + pop[code] * score)
    index, coverage = {}, {}
    for c in codes:
        w, m = sums.get(c, (0, Fraction(0)))
        if w == 0:
            die("no IFN skill components for département %s" % c)
        index[c] = m / w
        coverage[c] = Fraction(w, dep_pop[c])
    return index, coverage


# Activity reports: the file's commit date (the reports run up to it) and the assumed start of
# activity of a post in the year of its first validation (central, earliest, latest).
REPORTS_END = datetime.date(2024, 2, 22)
ACTIVITY_START = {"central": (7, 1), "early": (1, 1), "late": (12, 31)}
VALIDATION_YEARS = (2021, 2022, 2023)


def post_years(postes_row, start):
    """Post-years of activity of a département's posts up to REPORTS_END, by first-validation year."""
    total = Fraction(0)
    for y in VALIDATION_YEARS:
        begin = datetime.date(y, start[0], start[1])
        total += int(postes_row["postes_1re_validation_%d" % y]) * Fraction((REPORTS_END - begin).days, 365)
    return total


def ols(rows):
    """Least squares of y on [1, x1, x2, ...] (floats): coefficients, standard errors, R^2."""
    n, k = len(rows), len(rows[0][0]) + 1
    X = [[1.0] + list(x) for x, _ in rows]
    y = [v for _, v in rows]
    xtx = [[sum(X[i][a] * X[i][b] for i in range(n)) for b in range(k)] for a in range(k)]
    xty = [sum(X[i][a] * y[i] for i in range(n)) for a in range(k)]
    inv = invert(xtx)
    beta = [sum(inv[a][b] * xty[b] for b in range(k)) for a in range(k)]
    resid = [y[i] - sum(beta[a] * X[i][a] for a in range(k)) for i in range(n)]
    s2 = sum(r * r for r in resid) / (n - k)
    mean = sum(y) / n
    r2 = 1 - sum(r * r for r in resid) / sum((v - mean) ** 2 for v in y)
    return beta, [math.sqrt(s2 * inv[a][a]) for a in range(k)], r2


def invert(m):
    """Gauss-Jordan inverse of a small square matrix."""
    k = len(m)
    a = [row[:] + [1.0 if i == j else 0.0 for j in range(k)] for i, row in enumerate(m)]
    for c in range(k):
        p = max(range(c, k), key=lambda r: abs(a[r][c]))
        a[c], a[p] = a[p], a[c]
        piv = a[c][c]
        a[c] = [v / piv for v in a[c]]
        for r in range(k):
            if r != c:
                f = a[r][c]
                a[r] = [v - f * w for v, w in zip(a[r], a[c])]
    return [row[k:] for row in a]


def fit_summary(beta, se, r2, names):
    out = {"r2": round(r2, 4)}
    for name, b, e in zip(names, beta, se):
        out[name] = {"estimate": round(b, 4), "std_error": round(e, 4),
                     "ci95": [round(b - 1.984 * e, 4), round(b + 1.984 * e, 4)]}
    return out


def independent_capacity(level, population):
    if level == "private":
        for threshold, posts in PRIVATE_CAPACITY_BRACKETS:
            if population >= threshold:
                return posts
    posts = -(-population // PUBLIC_PEOPLE_PER_CAPACITY_POST)  # ceil
    return max(1, min(PUBLIC_CAPACITY_MAX, posts))


def independent_cofinanced_posts(kind, capacity, median, national_median):
    """Posts of its capacity a host can co-finance: base share x (median / France) for public hosts."""
    share = COFINANCING_BASE[kind]
    if kind == "public":
        lo, hi = COFINANCING_PUBLIC_BOUNDS
        share = max(lo, min(hi, share * median / national_median))
    return round_half_up(share * capacity), share


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

    catchments = Catchments(data_dir, deps)
    sites = SiteCommunes(data_dir, deps, catchments.epci_of)
    site_moves = {}
    fallback_counts, level_counts = {}, {}
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
            overseas = r["code_dep"].startswith("97")
            share = host_share["public_overseas" if (kind == "public" and overseas) else kind]
            level = host_level(kind, r["raison_sociale"])
            commune, moved = sites.site(r, level)
            if moved:
                site_moves[moved] = site_moves.get(moved, 0) + 1
            population, median, fallbacks = catchments.catchment(level, commune, r["code_dep"])
            for fb in fallbacks:
                fallback_counts[fb] = fallback_counts.get(fb, 0) + 1
            level_counts[level] = level_counts.get(level, 0) + 1
            if opts.replay:
                # the 2021-derived assumptions: capacity and co-financing read back the 2021 posts
                capacity = round_half_up(opts.capacity_factor * posts)
                cofin = round_half_up(fraction[kind] * capacity * share)
            else:
                capacity = independent_capacity(level, population)
                cofinanced, _ = independent_cofinanced_posts(kind, capacity, median, catchments.national_median)
                cofin = round_half_up(cofinanced * share)
            out_structs.append({
                "id": sid,
                "name": r["raison_sociale"].strip(),
                "territory": r["code_dep"],
                "kind": kind,
                "capacity": capacity,
                "cofinancing_eur": cofin,
                "posts_2021": posts,
                "commune_code": commune,
                "zrr": flag(r["zrr"]),
                "qpv": flag(r["qpv"]),
                "host_level": level,
                "catchment_population": population,
                "catchment_median_income_eur": round_half_up(median),
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
    skills, skills_coverage = skills_fragility(data_dir, codes)
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
            "ifn": "%.3f" % float(skills[c]),
            "ifn_total": ifn,
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
    # post-years of activity per département, weighted by the year each post was first validated
    py = {k: {c: post_years(postes[c], start) for c in codes} for k, start in ACTIVITY_START.items()}
    kappa = {k: Fraction(total_usagers) / sum(v.values()) for k, v in py.items()}
    people_per_post_year = round_half_up(kappa["central"])
    # elasticity of people served: log usagers on log post-years, then with log people 15+ (need proxy)
    fit_rows = [(c, math.log(int(cra[c]["usagers"])), math.log(float(py["central"][c])),
                 math.log(int(out_terr[i]["population_15_plus"]))) for i, c in enumerate(codes)]
    b1, e1, r1 = ols([((lp,), lu) for _, lu, lp, _ in fit_rows])
    b2, e2, r2 = ols([((lp, ln), lu) for _, lu, lp, ln in fit_rows])
    per_dep = sorted(Fraction(int(cra[c]["usagers"])) / py["central"][c] for c in codes)
    quartiles = statistics.quantiles([float(x) for x in per_dep], n=4, method="inclusive")

    if opts.replay:
        assumptions = {
            "capacity": "round(capacity_factor x posts_2021)",
            "capacity_factor": num(opts.capacity_factor),
            "cofinancing_eur": "round(fraction x capacity x host share)",
            "cofinancing_fraction_public": num(opts.cofinancing_public),
            "cofinancing_fraction_private": num(opts.cofinancing_private),
        }
    else:
        assumptions = {
            "capacity": "public: ceil(catchment population / people per capacity post), clamped to "
                        "[1, max]; private: by commune population brackets",
            "public_people_per_capacity_post": PUBLIC_PEOPLE_PER_CAPACITY_POST,
            "public_capacity_max": PUBLIC_CAPACITY_MAX,
            "private_capacity_brackets": [[t, p] for t, p in PRIVATE_CAPACITY_BRACKETS],
            "cofinancing_eur": "round(base share x capacity [x median / France, clamped, public]) "
                               "co-financed posts x host share",
            "cofinancing_base_share": {k: num(v) for k, v in sorted(COFINANCING_BASE.items())},
            "cofinancing_public_bounds": [num(v) for v in COFINANCING_PUBLIC_BOUNDS],
            "national_median_income_eur": num(catchments.national_median),
        }
    assumptions.update({
        "host_share_fraction": num(HOST_SHARE_FRACTION),
        "host_share_months": HOST_SHARE_MONTHS,
        "reporting_years": num(years),
        "need_fragility_components": list(IFN_SKILL_COMPONENTS),
    })
    guesses = {
        # the ranges the robustness analysis explores (scenario.yaml, robustness.*)
        "capacity_factor": [num(v) for v in GUESS_RANGES["capacity_factor"]],
        "cofinancing_factor": [num(v) for v in GUESS_RANGES["cofinancing_factor"]],
        "people_per_post_year": [round_half_up(kappa["early"]), round_half_up(kappa["late"])],
        # each guess behind them, its value and plausible range (SOURCES.md)
        "public_people_per_capacity_post": {"value": PUBLIC_PEOPLE_PER_CAPACITY_POST, "range": [5000, 20000]},
        "public_capacity_max": {"value": PUBLIC_CAPACITY_MAX, "range": [20, 80]},
        "cofinancing_base_share": {k: {"value": num(v), "range": [num(v / 2), num(v * 3 / 2)]}
                                   for k, v in sorted(COFINANCING_BASE.items())},
        "activity_start_month_day": {"value": "%02d-%02d" % ACTIVITY_START["central"],
                                     "range": ["%02d-%02d" % ACTIVITY_START["early"], "%02d-%02d" % ACTIVITY_START["late"]]},
        "need_fragility_spread": {"value": 0.2, "range": [0.1, 0.3], "where": "scenario.yaml need.fragility_spread"},
    }

    calibration = {
        "generated_by": "scripts/build-default-scenario.py",
        "people_per_post_year": people_per_post_year,
        "people_per_post_year_fit": {
            "method": "national usagers / post-years of activity up to %s, a post active from the "
                      "assumed start in the year of its first validation (postes_1re_validation_*); "
                      "band: earliest and latest start" % REPORTS_END.isoformat(),
            "source": F_CRA + " (usagers) and " + F_POSTES + " (postes_1re_validation_2021/2022/2023)",
            "activity_start_month_day": {k: "%02d-%02d" % v for k, v in sorted(ACTIVITY_START.items())},
            "post_years_total": {k: num(sum(v.values())) for k, v in sorted(py.items())},
            "people_per_post_year": {k: num(v) for k, v in sorted(kappa.items())},
            "band": [round_half_up(kappa["early"]), round_half_up(kappa["late"])],
            "per_departement_quartiles": [round(q, 2) for q in quartiles],
            "per_departement_min_max": [num(per_dep[0]), num(per_dep[-1])],
            "log_usagers_on_log_post_years": fit_summary(b1, e1, r1, ["intercept", "post_years"]),
            "log_usagers_on_log_post_years_and_log_population_15_plus":
                fit_summary(b2, e2, r2, ["intercept", "post_years", "population_15_plus"]),
        },
        "people_per_post_year_calibration": {
            "method": "(2021 method, kept for reference) median over départements of usagers / "
                      "posts_2021, divided by reporting_years",
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
        "mode": "replay" if opts.replay else "independent",
        "assumptions": assumptions,
        "guesses": guesses,
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
            "host_levels": dict(sorted(level_counts.items())),
            "catchment_fallbacks": dict(sorted(fallback_counts.items())),
            "site_communes_outside_their_departement": dict(sorted(site_moves.items())),
            "structures_able_to_cofinance_one_post": {
                k: sum(1 for s in out_structs if s["kind"] == k and s["cofinancing_eur"] >= host_share[
                    "public_overseas" if (k == "public" and s["territory"].startswith("97")) else k])
                for k in ("private", "public")},
            "structures_with_posts_2021_above_capacity": sum(
                1 for s in out_structs if s["posts_2021"] > s["capacity"]),
            "ifn_skills_population_coverage_min_pct": num(round(100 * min(skills_coverage.values()), 2)),
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
    p.add_argument("--replay", action="store_true",
                   help="the 2021-derived assumptions (capacity and co-financing from posts_2021), "
                        "written to %s by default" % REPLAY_REL)
    p.add_argument("--out", default=None,
                   help="output folder, relative to the repository root (default: %s, or %s with "
                        "--replay)" % (SCENARIO_REL, REPLAY_REL))
    p.add_argument("--capacity-factor", type=parse_fraction, default=Fraction(2),
                   help="--replay: capacity = round(factor x validated posts) (default: 2)")
    p.add_argument("--cofinancing-public", type=parse_fraction, default=Fraction(1, 2),
                   help="--replay: share of its capacity a public host can co-finance (default: 0.5)")
    p.add_argument("--cofinancing-private", type=parse_fraction, default=Fraction(1, 4),
                   help="--replay: share of its capacity a private host can co-finance (default: 0.25)")
    p.add_argument("--reporting-years", type=parse_fraction, default=Fraction(5, 2),
                   help="post-years per validated post covered by the activity reports (default: 2.5)")
    p.add_argument("--check", action="store_true",
                   help="regenerate into a temporary folder and exit 1 if the files in --out differ")
    opts = p.parse_args(argv)
    if opts.capacity_factor <= 0 or opts.reporting_years <= 0:
        p.error("--capacity-factor and --reporting-years must be > 0")

    data_dir = os.path.normpath(os.path.join(REPO_ROOT, opts.data))
    if opts.out is None:
        opts.out = REPLAY_REL if opts.replay else SCENARIO_REL
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
    c, t = cal["counts"], cal["totals"]
    print("build-default-scenario: wrote %s" % out_dir, file=sys.stderr)
    print("  territories %d (%d overseas); structures %d kept (%d public, %d private), "
          "%d excluded (codes %s, %d posts)"
          % (c["territories"], c["territories_overseas"], c["structures_kept"],
             c["structures_kept_public"], c["structures_kept_private"], c["structures_excluded"],
             ",".join(c["structures_excluded_codes"]), c["structures_excluded_posts"]), file=sys.stderr)
    print("  population %d, 15+ %d, 75+ %d; posts_2021 %d, capacity %d, cofinancing %d EUR"
          % (t["population"], t["population_15_plus"], t["population_75_plus"], t["posts_2021"],
             t["capacity"], t["cofinancing_eur"]), file=sys.stderr)
    f = cal["people_per_post_year_fit"]
    print("  people_per_post_year %d (band %d..%d; usagers / post-years); elasticity of usagers to "
          "post-years %.2f, %.2f with people 15+"
          % (cal["people_per_post_year"], f["band"][0], f["band"][1],
             f["log_usagers_on_log_post_years"]["post_years"]["estimate"],
             f["log_usagers_on_log_post_years_and_log_population_15_plus"]["post_years"]["estimate"]),
          file=sys.stderr)
    print("  mode %s; structures able to co-finance: %s; with posts_2021 above capacity: %d"
          % (cal["mode"], c["structures_able_to_cofinance_one_post"], c["structures_with_posts_2021_above_capacity"]),
          file=sys.stderr)
    for w in warnings:
        print("  warning: " + w, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
