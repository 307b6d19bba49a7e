#!/usr/bin/env python3
"""Build the real-rollout scenario `scenarios/france-relance-2020-waves/` from the default scenario and the public data.

The programme was not allocated in one shot: the COSELEC validated 3,177 posts in 2021, 652 in 2022 and 96 in 2023
(`date_validation_coselec` of shared/data/cnfs_structures_coselec_2023-04-05.csv). This scenario takes what was signed
in 2021 as commitments and lets repartir optimise the rest, wave by wave (2022, then 2023), with the money the real
later waves used, and in one shot beside it (the run's own plan): "had the later waves been optimised, what would they
have reached, given what was signed?", like for like (the default scenario's posts, money, funding rule and limits).

Reads, never copies the logic of:
  scenarios/france-relance-2020/scenario.yaml     parameters (the waves' scenario extends it)
  scenarios/france-relance-2020/structures.csv    host ids, kinds, territories, capacities (its own derivation)
  scenarios/france-relance-2020/territories.csv   overseas flags (for the State cost of a post)
  shared/data/cnfs_structures_coselec_2023-04-05.csv  posts and date of first validation per structure
  shared/data/reference_figures.csv                   the 2023 renewal grants (kinds.*.renewal_grant_eur)

Writes, deterministically ("\\n" line endings, UTF-8, rows sorted by structure id):
  scenarios/france-relance-2020-waves/scenario.yaml    the default's parameters, its tables by relative path,
                                                        tables.commitments and waves:
  scenarios/france-relance-2020-waves/commitments.csv  the posts validated in 2021, as minimums under option `full`

Only the Python standard library is used. Running it twice gives byte-identical files.

Usage:
  python3 scripts/build-waves-scenario.py            # (re)generate the scenario files
  python3 scripts/build-waves-scenario.py --check    # exit 1 if the committed files differ
"""

import argparse
import csv
import io
import os
import re
import sys
import tempfile
from collections import defaultdict
from fractions import Fraction

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_REL = os.path.join("scenarios", "france-relance-2020")
OUT_REL = os.path.join("scenarios", "france-relance-2020-waves")
F_STRUCTURES = "cnfs_structures_coselec_2023-04-05.csv"
F_REFERENCE = "reference_figures.csv"
# The 2023 renewal grants per kind (reference_figures.csv indicator → kind), over 36 months.
RENEWAL_INDICATORS = {"public": "cnfs_renouvellement_public_total_3ans", "private": "cnfs_renouvellement_prive_total_3ans"}
RENEWAL_MONTHS = 36
OUTPUT_FILES = ("scenario.yaml", "commitments.csv")

# The posts signed before the optimisation starts: those first validated in this year.
SIGNED_YEAR = "2021"
# The funding option of the signed posts. The data do not say which option each post took; the 2021 grant was the
# full one (100 % of the SMIC for the convention: €50,000 over 24 months public, €32,000 over 18 months private).
SIGNED_OPTION = "full"
# Signed posts stay; their structure may take more in later waves (a minimum, not a lock).
SIGNED_MODE = "min"


def die(message):
    sys.stderr.write("build-waves-scenario: error: %s\n" % message)
    sys.exit(2)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def kind_terms(yaml_text):
    """grant_eur, overseas_grant_eur per kind, read from the default scenario.yaml (a flat two-level mapping)."""
    terms, kind, section = {}, None, None
    for line in yaml_text.splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped:
            continue
        indent = len(stripped) - len(stripped.lstrip())
        key, _, value = stripped.strip().partition(":")
        if indent == 0:
            section, kind = key, None
        elif section == "kinds" and indent == 2:
            kind = key
            terms[kind] = {}
        elif section == "kinds" and indent == 4 and kind and key in ("grant_eur", "overseas_grant_eur"):
            terms[kind][key] = Fraction(value.strip().replace("_", ""))
    for kind, values in terms.items():
        if set(values) != {"grant_eur", "overseas_grant_eur"}:
            die("kind %r of the default scenario lacks grant_eur or overseas_grant_eur" % kind)
    return terms


def programme(yaml_text):
    """programme.posts, programme.budget_eur and programme.cost_per_post_eur (0 when absent) of the default
    scenario."""
    posts = re.search(r"^\s+posts:\s*([\d_]+)", yaml_text, re.M)
    budget = re.search(r"^\s+budget_eur:\s*([\d_.]+)", yaml_text, re.M)
    if not posts or not budget:
        die("programme.posts or programme.budget_eur not found in the default scenario")
    cost = re.search(r"^\s+cost_per_post_eur:\s*([\d_.]+)", yaml_text, re.M)
    return (int(posts.group(1).replace("_", "")), Fraction(budget.group(1).replace("_", "")),
            Fraction(cost.group(1).replace("_", "")) if cost else Fraction(0))


def match_structures(coselec, structures):
    """Each COSELEC row → the default scenario's structure id. The default scenario names a structure S<siret>, with
    -2, -3… for further rows of one siret, in the order of (département, name, published commune, posts); rows are
    matched on (siret, département, name, posts), taken in the order of their published commune, so the n-th row of
    a group gets its n-th id. The commune is not in the key: the default scenario moves a host's commune into its
    département when the file names one elsewhere (build-default-scenario.py, `SiteCommunes`)."""
    candidates = defaultdict(list)
    for s in structures:
        siret = s["id"][1:].split("-")[0]
        candidates[(siret, s["territory"], s["name"], s["posts_2021"])].append(s["id"])
    for ids in candidates.values():
        ids.sort(key=lambda i: (len(i), i))
    matched, unmatched = [], 0
    for r in sorted(coselec, key=lambda r: (r["siret"].strip(), r["code_dep"], r["raison_sociale"].strip(),
                                            r["code_commune_insee"].strip(), r["date_validation_coselec"])):
        key = (r["siret"].strip(), r["code_dep"], r["raison_sociale"].strip(),
               str(int(r["nb_conseillers_valides_coselec"])))
        if candidates.get(key):
            matched.append((candidates[key].pop(0), r))
        else:
            unmatched += 1
    return matched, unmatched


def year(date):
    if not re.match(r"^\d\d/\d\d/\d{4}$", date):
        die("unexpected date_validation_coselec %r (expected DD/MM/YYYY)" % date)
    return date[-4:]


def build(data_dir, out_dir):
    default_dir = os.path.join(REPO_ROOT, DEFAULT_REL)
    with open(os.path.join(default_dir, "scenario.yaml"), encoding="utf-8") as f:
        default_yaml = f.read()
    structures = read_csv(os.path.join(default_dir, "structures.csv"))
    territories = {t["code"]: t for t in read_csv(os.path.join(default_dir, "territories.csv"))}
    coselec = read_csv(os.path.join(data_dir, F_STRUCTURES))
    reference = {r["indicateur"]: r["valeur"] for r in read_csv(os.path.join(data_dir, F_REFERENCE))}
    terms = kind_terms(default_yaml)
    total_posts, total_budget, cost_per_post = programme(default_yaml)
    by_id = {s["id"]: s for s in structures}

    matched, unmatched = match_structures(coselec, structures)
    # Posts and State cost per validation year, at the real structures (option `full`: the whole grant), with the
    # default scenario's programme cost per post (training), which every plan of the scenario pays alike.
    posts_by_year, cost_by_year = defaultdict(int), defaultdict(Fraction)
    signed = defaultdict(int)
    trimmed = 0
    for sid, r in matched:
        s = by_id[sid]
        posts = int(r["nb_conseillers_valides_coselec"])
        overseas = territories[s["territory"]]["overseas"] == "true"
        grant = terms[s["kind"]]["overseas_grant_eur" if overseas else "grant_eur"]
        y = year(r["date_validation_coselec"])
        if y == SIGNED_YEAR:
            # A commitment never exceeds the structure's capacity in the default scenario (its own assumption).
            kept = min(posts, int(s["capacity"]))
            trimmed += posts - kept
            posts = kept
            signed[sid] += posts
        posts_by_year[y] += posts
        cost_by_year[y] += posts * (grant + cost_per_post)

    rows = [(sid, signed[sid]) for sid in sorted(signed) if signed[sid] > 0]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["structure_id", "posts", "funding_option", "mode"])
    for sid, posts in rows:
        w.writerow([sid, posts, SIGNED_OPTION, SIGNED_MODE])
    commitments = buf.getvalue()

    years = sorted(posts_by_year)
    if not years or years[0] != SIGNED_YEAR:
        die("no post validated in %s" % SIGNED_YEAR)
    # Cumulative posts and money per wave: the real waves' posts and State cost; the last wave opens the whole
    # programme (the single-shot plan is the comparison, like for like).
    waves = []
    cum_posts, cum_cost = 0, Fraction(0)
    for i, y in enumerate(years):
        cum_posts += posts_by_year[y]
        cum_cost += cost_by_year[y]
        last = i == len(years) - 1
        waves.append((y, max(cum_posts, 0) if not last else total_posts,
                      int(-(-cum_cost // 1)) if not last else int(total_budget)))

    # The default scenario's parameters, its tables by relative path, the commitments and the waves.
    yaml = default_yaml
    yaml = yaml.replace("  territories: territories.csv", "  territories: ../france-relance-2020/territories.csv", 1)
    yaml = yaml.replace("  structures: structures.csv", "  structures: ../france-relance-2020/structures.csv\n"
                        "  commitments: commitments.csv        # the posts validated in 2021 (scripts/build-waves-scenario.py)", 1)
    if "commitments.csv" not in yaml or "../france-relance-2020/territories.csv" not in yaml:
        die("the default scenario.yaml has no 'tables:' lines as expected")
    yaml = re.sub(r"^name: .*$", "name: france-relance-2020-waves", yaml, count=1, flags=re.M)
    yaml = re.sub(r'^title: .*$', 'title: "France Relance 2020 in waves — what was signed in 2021, the rest optimised"', yaml, count=1, flags=re.M)
    # The renewal grants (used only by a renewal wave: `renewal: true`), after each kind's grant_months line.
    for kind, indicator in RENEWAL_INDICATORS.items():
        if indicator not in reference:
            die("%s has no %s" % (F_REFERENCE, indicator))
        grant = int(Fraction(reference[indicator]))
        pattern = r"(^kinds:\n(?:(?:  .*|)\n)*?  %s:\n(?:    .*\n)*?    grant_months: .*\n)" % re.escape(kind)
        yaml, count = re.subn(pattern, lambda m: m.group(1) + "    renewal_grant_eur: %d          # 2023 renewal over 3 years (%s)\n"
                              "    renewal_months: %d\n" % (grant, indicator, RENEWAL_MONTHS), yaml, count=1, flags=re.M)
        if count != 1:
            die("kind %r not found under kinds: in the default scenario.yaml" % kind)
    header = ("# GENERATED by scripts/build-waves-scenario.py from scenarios/france-relance-2020 and\n"
              "# ../shared/data/%s: do not edit by hand (SOURCES.md).\n" % F_STRUCTURES)
    lines = ["", "# The real rollout: COSELEC validations by year. Posts and money are cumulative; the first wave is what was",
             "# signed (commitments.csv), the later ones are optimised; the last opens the whole programme."]
    lines.append("waves:")
    for y, posts, budget in waves:
        lines.append("  coselec_%s:" % y)
        lines.append('    label: "COSELEC %s"' % y)
        lines.append("    date: %s-01-01" % y)
        lines.append("    posts: %d                   # real: %d posts validated in %s" % (posts, posts_by_year[y], y))
        lines.append("    budget_eur: %d          # real: their State cost %d EUR (grants + programme cost)" % (budget, int(-(-cost_by_year[y] // 1))))
    yaml = header + yaml.rstrip("\n") + "\n" + "\n".join(lines) + "\n"

    os.makedirs(out_dir, exist_ok=True)
    for name, text in (("scenario.yaml", yaml), ("commitments.csv", commitments)):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return {
        "signed_posts": sum(p for _, p in rows), "signed_structures": len(rows), "trimmed_to_capacity": trimmed,
        "unmatched_rows": unmatched, "posts_by_year": dict(posts_by_year),
        "cost_by_year": {y: int(-(-c // 1)) for y, c in cost_by_year.items()}, "waves": waves,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=os.path.join("..", "shared", "data"),
                   help="input data folder, relative to the repository root (default: ../shared/data)")
    p.add_argument("--check", action="store_true", help="regenerate into a temporary folder and exit 1 if the files differ")
    opts = p.parse_args(argv)
    data_dir = os.path.normpath(os.path.join(REPO_ROOT, opts.data))
    out_dir = os.path.join(REPO_ROOT, OUT_REL)
    if opts.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(data_dir, tmp)
            differ = []
            for name in OUTPUT_FILES:
                with open(os.path.join(tmp, name), "rb") as a:
                    fresh = a.read()
                try:
                    with open(os.path.join(out_dir, name), "rb") as b:
                        committed = b.read()
                except FileNotFoundError:
                    committed = None
                if fresh != committed:
                    differ.append(name)
            if differ:
                print("differ from what the script makes: %s (run scripts/build-waves-scenario.py)" % ", ".join(differ))
                return 1
            print("%s: up to date" % OUT_REL)
            return 0
    summary = build(data_dir, out_dir)
    print("wrote %s: %d signed posts at %d structures (%d trimmed to capacity, %d COSELEC rows unmatched)"
          % (OUT_REL, summary["signed_posts"], summary["signed_structures"], summary["trimmed_to_capacity"], summary["unmatched_rows"]))
    for y, posts, budget in summary["waves"]:
        print("  wave %s: %d posts and %d EUR open (cumulative); real %d posts, %d EUR"
              % (y, posts, budget, summary["posts_by_year"][y], summary["cost_by_year"][y]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
