#!/usr/bin/env python3
"""Reads a repartir run directory the way an analyst's notebook would, and checks it.

Usage: check_outputs.py RUN_DIR [--territories N] [--payloads FILE]

Every CSV is read with the dtypes of the run's own `datapackage.json` (its Table Schema: codes as
`string`, counts as int64 or Int64 when nullable, money and ratios as float64), which must agree
with the documented schema below, so a code such as `01` or `2A` that a naive reader would turn
into 1 or NaN is caught here. Checks:
  * the codes of the default scenario (01, 2A, 2B, 971, 976) are intact, N territory rows (101);
  * totals of posts, State cost, host cost and coverage in the structure / territory / région
    tables equal summary.csv's;
  * no missing value where the schema does not allow one;
  * no carriage return, no byte-order mark, no replacement character in any cell or header;
  * report.md, rendered by a CommonMark renderer (markdown-it-py, with GitHub's tables), has no raw
    HTML but the template's <details>/<summary>, no link, no image but the run's own SVG files, one
    title, no heading, list or line that the text did not put there; with --payloads, every text of the
    corpus (Tests/python/markdown_payloads.txt) reads back whole, as text, within one paragraph, cell or item.
Exits 0 when everything holds; otherwise prints every failed check on stderr and exits 1.
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

try:
    import pandas as pd
except ImportError:  # the Swift test treats this as a failure, not a skip
    print("check_outputs.py: pandas is not installed (pip install pandas, or scripts/setup --with-python)", file=sys.stderr)
    sys.exit(3)

CR_BYTE = b"\r"
STR = "string"
INT = "int64"
NULLABLE_INT = "Int64"
FLOAT = "float64"

# The documented schema: column -> (dtype, may be empty).
STRUCTURE = {
    "structure_id": (STR, False), "structure_name": (STR, False), "territory_code": (STR, False),
    "region_code": (STR, False), "kind": (STR, False), "funding_option": (STR, False), "posts": (INT, False),
    "state_cost_eur": (FLOAT, False), "host_cost_eur": (FLOAT, False), "funded_months": (INT, False),
    "capacity": (INT, False),
}
TERRITORY = {
    "territory_code": (STR, False), "territory_name": (STR, False), "region_code": (STR, False),
    "region_name": (STR, False), "population": (INT, False), "need": (INT, False), "posts": (INT, False),
    "posts_per_100k": (FLOAT, True), "state_cost_eur": (FLOAT, False), "host_cost_eur": (FLOAT, False),
    "funded_post_months": (INT, False), "people_servable": (FLOAT, False), "coverage": (FLOAT, False),
    "coverage_ratio": (FLOAT, False), "structures_endowed": (INT, False), "floor": (INT, False),
    # No cap is an empty cell; posts_2021 is optional in the input table.
    "cap": (NULLABLE_INT, True), "posts_2021": (NULLABLE_INT, True),
    "posts_min_gap": (NULLABLE_INT, True), "posts_max_gap": (NULLABLE_INT, True),
    "posts_min_tolerance": (NULLABLE_INT, True), "posts_max_tolerance": (NULLABLE_INT, True),
    "posts_min_gap_found": (NULLABLE_INT, True), "posts_max_gap_found": (NULLABLE_INT, True),
    "posts_min_tolerance_found": (NULLABLE_INT, True), "posts_max_tolerance_found": (NULLABLE_INT, True),
}
REGION = {
    "region_code": (STR, False), "region_name": (STR, False), "territories": (INT, False), "population": (INT, False),
    "need": (INT, False), "posts": (INT, False), "posts_per_100k": (FLOAT, True), "state_cost_eur": (FLOAT, False),
    "host_cost_eur": (FLOAT, False), "coverage": (FLOAT, False), "coverage_ratio": (FLOAT, False),
}
SUMMARY = {
    "scenario": (STR, False), "status": (STR, False), "objective": (FLOAT, False), "best_bound": (FLOAT, True),
    "relative_gap": (FLOAT, True), "mip_gap_tolerance": (FLOAT, False), "limit_reached": (STR, True),
    "posts": (INT, False), "posts_available": (INT, False), "state_cost_eur": (FLOAT, False),
    "budget_eur": (FLOAT, False), "host_cost_eur": (FLOAT, False), "need": (INT, False), "coverage": (FLOAT, False),
    "coverage_ratio": (FLOAT, False), "territories": (INT, False), "territories_endowed": (INT, False),
    "structures": (INT, False), "structures_endowed": (INT, False),
}
FILES = {
    "allocation_by_structure.csv": STRUCTURE,
    "allocation_by_territory.csv": TERRITORY,
    "allocation_by_region.csv": REGION,
    "summary.csv": SUMMARY,
}
# The analyst's view (docs/baselines.md, docs/outputs.md): read when present (absent when disabled).
PLANS = {
    "plan": (STR, False), "territory_code": (STR, False), "posts": (INT, False), "posts_per_100k": (FLOAT, True),
    "state_cost_eur": (FLOAT, False), "coverage": (FLOAT, False), "coverage_ratio": (FLOAT, False),
}
COMPARISON = {
    "plan": (STR, False), "objective": (FLOAT, True), "objective_vs_optimised": (FLOAT, True), "posts": (INT, False),
    "posts_unplaced": (NULLABLE_INT, True), "state_cost_eur": (FLOAT, False), "host_cost_eur": (FLOAT, False),
    "coverage": (FLOAT, False), "coverage_ratio": (FLOAT, False), "territories_endowed": (INT, False),
    "posts_per_100k_min": (FLOAT, False), "posts_per_100k_median": (FLOAT, False), "posts_per_100k_max": (FLOAT, False),
    "posts_per_100k_gini": (FLOAT, False), "coverage_ratio_min": (FLOAT, False), "coverage_ratio_median": (FLOAT, False),
    "coverage_ratio_max": (FLOAT, False), "coverage_ratio_gini": (FLOAT, False), "coverage_threshold": (FLOAT, False),
    "territories_under_threshold": (INT, False), "violations": (INT, False), "violated_rules": (STR, True),
    "posts_moved_vs_optimised": (FLOAT, True), "people_per_year": (FLOAT, True), "horizon_years": (NULLABLE_INT, True),
}
SENSITIVITY = {
    "change": (STR, False), "override": (STR, False), "status": (STR, False), "objective": (FLOAT, True),
    "coverage": (FLOAT, True), "delta_objective": (FLOAT, True), "delta_coverage": (FLOAT, True),
    "coverage_per_unit": (FLOAT, True), "unit": (STR, False), "gap": (FLOAT, True),
}
STAGES = {
    "stage": (INT, False), "objective": (STR, False), "value": (FLOAT, True), "bound": (FLOAT, True), "gap": (FLOAT, True),
    "status": (STR, False),
}
FRONTIER = {
    "step": (INT, False), "epsilon": (FLOAT, False), "min_coverage_ratio": (FLOAT, False), "coverage": (FLOAT, False),
    "objective": (FLOAT, False), "status": (STR, False), "gap": (FLOAT, True),
}
ROBUSTNESS = {
    "variant": (STR, False), "key": (STR, False), "value": (FLOAT, False), "status": (STR, False), "gap": (FLOAT, True),
    "objective": (FLOAT, True), "coverage": (FLOAT, True), "territory_code": (STR, False), "posts_base": (INT, False),
    "posts": (NULLABLE_INT, True), "delta": (NULLABLE_INT, True),
}
OPTIONAL_FILES = {"plans.csv": PLANS, "comparison.csv": COMPARISON, "sensitivity.csv": SENSITIVITY, "frontier.csv": FRONTIER,
                  "stages.csv": STAGES, "robustness.csv": ROBUSTNESS}
# Columns whose name is built from the scenario's ids (posts_kind_public, posts_option_full, …): counts.
DYNAMIC_INT_PREFIXES = ("posts_kind_", "posts_option_")

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)


# datapackage.json Table Schema type -> pandas dtype (an integer column that may be empty is Int64).
PACKAGE_DTYPES = {"string": STR, "number": FLOAT, "boolean": "boolean"}


def package_schema(directory: Path, name: str) -> dict[str, tuple[str, bool]] | None:
    """The run's own schema for one CSV, from datapackage.json: column -> (dtype, may be empty)."""
    import json
    path = directory / "datapackage.json"
    if not path.is_file():
        fail("datapackage.json: missing")
        return None
    package = json.loads(path.read_text(encoding="utf-8"))
    resource = next((r for r in package.get("resources", []) if r.get("path") == name), None)
    if resource is None:
        fail(f"datapackage.json: no resource for {name}")
        return None
    schema = {}
    for field in resource["schema"]["fields"]:
        required = field.get("constraints", {}).get("required", False)
        if field["type"] == "integer":
            dtype = INT if required else NULLABLE_INT
        elif field["type"] in PACKAGE_DTYPES:
            dtype = PACKAGE_DTYPES[field["type"]]
        else:
            fail(f"datapackage.json: {name} column {field['name']!r} has type {field['type']!r}")
            continue
        if "Undeclared column" in field.get("description", ""):
            fail(f"datapackage.json: {name} column {field['name']!r} has no declaration in DataPackage.tables")
        schema[field["name"]] = (dtype, not required)
    return schema


def read(directory: Path, name: str, documented: dict[str, tuple[str, bool]] | None) -> pd.DataFrame | None:
    """Reads one CSV with the dtypes of the run's datapackage.json (no hand-copied dtype dict), and
    checks that schema against the documented one (docs/outputs.md) when there is one."""
    path = directory / name
    schema = package_schema(directory, name) if path.is_file() else None
    if schema is None and path.is_file():
        return None
    if documented is not None and schema is not None:
        for column, (dtype, nullable) in documented.items():
            if column in schema and schema[column][0] != dtype and not (dtype == INT and schema[column][0] == NULLABLE_INT and nullable):
                fail(f"datapackage.json: {name} column {column!r} is {schema[column][0]}, documented {dtype}")
            if column in schema and schema[column][1] and not nullable:
                fail(f"datapackage.json: {name} column {column!r} may be empty, documented as required")
    elif documented is not None:
        schema = documented
    if not path.is_file():
        fail(f"{name}: missing")
        return None
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        fail(f"{name}: starts with a UTF-8 byte-order mark")
    if b"\r" in raw:
        fail(f"{name}: contains a carriage return at byte {raw.index(CR_BYTE)}")
    try:
        raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        fail(f"{name}: not valid UTF-8: {error}")
    header = pd.read_csv(path, nrows=0, encoding="utf-8").columns.tolist()
    expected = list(schema)
    missing = [c for c in expected if c not in header]
    if missing:
        fail(f"{name}: missing columns {missing} (has {header})")
    extra = [c for c in header if c not in schema]
    if extra:
        fail(f"{name}: columns not in datapackage.json {extra}")
    if documented is not None:
        undocumented = [c for c in header if c not in documented and not c.startswith(DYNAMIC_INT_PREFIXES)]
        if undocumented:
            fail(f"{name}: undocumented columns {undocumented}")
    dtypes = {c: schema[c][0] for c in header if c in schema}
    try:
        # keep_default_na=False + na_values=[""]: only an empty cell is missing ("NA" is a valid name).
        frame = pd.read_csv(path, dtype=dtypes, encoding="utf-8", keep_default_na=False, na_values=[""])
    except (ValueError, TypeError) as error:
        fail(f"{name}: cannot be read with the documented dtypes: {error}")
        return None
    for column in header:
        nullable = schema.get(column, (STR, True))[1]
        count = int(frame[column].isna().sum())
        if count and not nullable:
            rows = frame.index[frame[column].isna()].tolist()[:5]
            fail(f"{name}: {count} missing value(s) in column '{column}' (data rows {[r + 1 for r in rows]})")
        if str(frame[column].dtype) == FLOAT:
            bad = frame[column].dropna().map(lambda v: not math.isfinite(v))
            if bad.any():
                fail(f"{name}: non-finite value in column '{column}'")
    for column in [c for c in header if str(frame[c].dtype) == STR] + []:
        for index, value in frame[column].dropna().items():
            for char, label in (("\r", "carriage return"), ("\ufeff", "U+FEFF"), ("\ufffd", "U+FFFD")):
                if char in value:
                    fail(f"{name}: {label} in column '{column}', data row {index + 1}: {value!r}")
    for column in header:
        for char, label in (("\r", "carriage return"), ("\ufeff", "U+FEFF"), ("\ufffd", "U+FFFD")):
            if char in column:
                fail(f"{name}: {label} in header {column!r}")
    return frame


# A live tag from the inputs in the rendered report: a script, a frame, an event handler, a link or a
# remote or scripted source. The renderer escapes text, so these only match real tags.
LIVE_TAG = re.compile(r"<(script|iframe|object|embed|svg|a|form|style|link|meta)\b|<[a-z][^>]*\son[a-z]+\s*=|"
                      r"<[a-z][^>]*\b(href|src)\s*=\s*\"(javascript:|https?:|//|data:)", re.IGNORECASE)
TEMPLATE_HTML = {"<details><summary>Every parameter of this run</summary>", "</details>"}


def payloads(path: Path) -> list[str]:
    """The corpus, comments dropped, line-break markers as spaces, blanks collapsed."""
    result = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("//"):
            continue
        result.append(" ".join(line.replace("\\r", " ").replace("\\n", " ").split()))
    return result


def check_report(directory: Path, payload_file: Path | None) -> None:
    path = directory / "report.md"
    if not path.is_file():
        fail("report.md: missing")
        return
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        fail("report.md: markdown-it-py is not installed (pip install markdown-it-py, or scripts/setup --with-python)")
        return
    text = path.read_text(encoding="utf-8")
    renderer = MarkdownIt("commonmark").enable("table")
    tokens = renderer.parse(text)
    local_images = {p.name for p in directory.iterdir() if p.suffix == ".svg"}
    texts: list[str] = []
    headings = 0
    for token in tokens:
        line = token.map[0] + 1 if token.map else "?"
        if token.type == "html_block" and token.content.strip() not in TEMPLATE_HTML:
            fail(f"report.md:{line}: raw HTML block {token.content.strip()[:80]!r}")
        if token.type == "heading_open":
            headings += 1
            if token.tag not in ("h1", "h2"):
                fail(f"report.md:{line}: unexpected {token.tag} heading")
        if token.type == "bullet_list_open" and token.level > 0 or token.type == "ordered_list_open":
            fail(f"report.md:{line}: a nested or ordered list the report does not write")
        if token.type in ("blockquote_open", "code_block", "fence", "hr"):
            fail(f"report.md:{line}: a {token.type} the report does not write")
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type == "html_inline":
                fail(f"report.md:{line}: raw HTML {child.content[:80]!r}")
            elif child.type == "link_open":
                fail(f"report.md:{line}: a link to {child.attrGet('href')!r}")
            elif child.type == "image" and child.attrGet("src") not in local_images:
                fail(f"report.md:{line}: an image from {child.attrGet('src')!r}, not one of the run's files")
            elif child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        texts.append(" ".join("".join(parts).split()))
    lines_with_heading = sum(1 for raw in text.split("\n") if raw.startswith("#"))
    if headings != lines_with_heading:
        fail(f"report.md: {headings} headings rendered, {lines_with_heading} lines written as headings")
    if sum(1 for raw in text.split("\n") if raw.startswith("# ")) != 1:
        fail("report.md: not exactly one title")
    html = renderer.render(text)
    for match in LIVE_TAG.finditer(html):
        fail(f"report.md: live tag in the rendered HTML: {html[max(0, match.start() - 20):match.end() + 40]!r}")
    if payload_file is not None:
        for payload in payloads(payload_file):
            if not any(payload in t for t in texts):
                fail(f"report.md: the text {payload!r} does not read back whole in one paragraph, cell or item")


def close(name: str, total: float, expected: float, tolerance: float) -> None:
    if not abs(total - expected) <= tolerance:
        fail(f"{name}: {total!r} != summary.csv's {expected!r} (difference {total - expected:.6f}, tolerance {tolerance})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--territories", type=int, default=101, help="territory rows expected")
    parser.add_argument("--coverage-tolerance", type=float, default=0.01, help="tolerance on coverage totals")
    parser.add_argument("--codes", default="01,2A,2B,971,976", help="territory codes that must appear verbatim")
    parser.add_argument("--payloads", type=Path, help="texts the scenario's names carry, that report.md must show as text")
    args = parser.parse_args()
    check_report(args.run_dir, args.payloads)

    frames = {name: read(args.run_dir, name, schema) for name, schema in FILES.items()}
    structures, territories = frames["allocation_by_structure.csv"], frames["allocation_by_territory.csv"]
    regions, summary = frames["allocation_by_region.csv"], frames["summary.csv"]

    if territories is not None:
        if len(territories) != args.territories:
            fail(f"allocation_by_territory.csv: {len(territories)} rows, expected {args.territories}")
        codes = territories["territory_code"].tolist()
        for code in [c for c in args.codes.split(",") if c]:
            if code not in codes:
                fail(f"allocation_by_territory.csv: territory code {code!r} not found verbatim (codes start {codes[:12]})")
        if codes != sorted(codes):
            fail("allocation_by_territory.csv: not sorted by territory_code")
        if len(set(codes)) != len(codes):
            fail("allocation_by_territory.csv: duplicate territory codes")
        short = [c for c in codes if len(c) < 2]
        if short:
            fail(f"allocation_by_territory.csv: codes lost their leading zero: {short}")
    if structures is not None:
        short = [c for c in structures["territory_code"].tolist() if len(c) < 2]
        if short:
            fail(f"allocation_by_structure.csv: territory codes lost their leading zero: {short[:5]}")
        if territories is not None:
            unknown = set(structures["territory_code"]) - set(territories["territory_code"])
            if unknown:
                fail(f"allocation_by_structure.csv: territory codes not in the territory table: {sorted(unknown)[:5]}")
            per_territory = structures.groupby("territory_code")["posts"].sum()
            for code, posts in zip(territories["territory_code"], territories["posts"]):
                if int(per_territory.get(code, 0)) != int(posts):
                    fail(f"territory {code}: {int(per_territory.get(code, 0))} posts in the structure table, {posts} in the territory table")
        if (structures["posts"] < 1).any():
            fail("allocation_by_structure.csv: rows with no post (the table lists only placements)")
        keys = list(zip(structures["structure_id"], structures["funding_option"]))
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            fail("allocation_by_structure.csv: not sorted by (structure_id, funding_option) or duplicated rows")
        over = structures[structures["posts"] > structures["capacity"]]
        if len(over):
            fail(f"allocation_by_structure.csv: {len(over)} rows above capacity, e.g. {over.iloc[0].to_dict()}")
    if regions is not None and territories is not None:
        if set(regions["region_code"]) != set(territories["region_code"]):
            fail("région codes differ between the région and territory tables")
        if int(regions["territories"].sum()) != len(territories):
            fail(f"allocation_by_region.csv: territories sum to {int(regions['territories'].sum())}, not {len(territories)}")
        if int(regions["population"].sum()) != int(territories["population"].sum()):
            fail("population totals differ between the région and territory tables")

    if summary is not None:
        if len(summary) != 1:
            fail(f"summary.csv: {len(summary)} data rows, expected 1")
        else:
            row = summary.iloc[0]
            # Posts are integers and every per-post cost is a whole number of cents, so these sums are exact
            # up to float addition: 0.01 is the brief's tolerance.
            for table_name, frame in (("allocation_by_structure.csv", structures), ("allocation_by_territory.csv", territories),
                                      ("allocation_by_region.csv", regions)):
                if frame is None:
                    continue
                close(f"{table_name} posts total", float(frame["posts"].sum()), float(row["posts"]), 0.01)
                close(f"{table_name} state_cost_eur total", float(frame["state_cost_eur"].sum()), float(row["state_cost_eur"]), 0.01)
                close(f"{table_name} host_cost_eur total", float(frame["host_cost_eur"].sum()), float(row["host_cost_eur"]), 0.01)
                if "coverage" in frame.columns:  # the structure table has no coverage column
                    # Coverage is printed with one decimal; it is a whole number of people whenever
                    # people_per_post_year × months / 12 is whole (214 × 18, 24, 36 months in the default
                    # scenario) or a territory's need is reached, so 0.01 holds there. With fractional
                    # coverage the rows' rounding could add up to 0.05 per row: pass --coverage-tolerance.
                    close(f"{table_name} coverage total", float(frame["coverage"].sum()), float(row["coverage"]), args.coverage_tolerance)
            if territories is not None:
                if int(row["territories"]) != len(territories):
                    fail(f"summary.csv territories {int(row['territories'])} != {len(territories)} rows")
                endowed = int((territories["posts"] > 0).sum())
                if int(row["territories_endowed"]) != endowed:
                    fail(f"summary.csv territories_endowed {int(row['territories_endowed'])} != {endowed}")
                close("allocation_by_territory.csv need total", float(territories["need"].sum()), float(row["need"]), len(territories))
            if structures is not None:
                endowed = structures.loc[structures["posts"] > 0, "structure_id"].nunique()
                if int(row["structures_endowed"]) != endowed:
                    fail(f"summary.csv structures_endowed {int(row['structures_endowed'])} != {endowed} in the structure table")
            if float(row["state_cost_eur"]) > float(row["budget_eur"]) + 0.01:
                fail(f"summary.csv: State cost {row['state_cost_eur']} above the budget {row['budget_eur']}")
            if int(row["posts"]) > int(row["posts_available"]):
                fail(f"summary.csv: {row['posts']} posts above the {row['posts_available']} available")

    optional = {name: read(args.run_dir, name, schema) for name, schema in OPTIONAL_FILES.items()
                if (args.run_dir / name).is_file()}
    # Every other CSV the package describes (e.g. conflict.csv of an infeasible run) is read through it too.
    for name in sorted(p.name for p in args.run_dir.glob("*.csv")):
        if name not in FILES and name not in OPTIONAL_FILES:
            read(args.run_dir, name, None)
    plans, comparison = optional.get("plans.csv"), optional.get("comparison.csv")
    if plans is not None and summary is not None and len(summary) == 1:
        optimised = plans[plans["plan"] == "optimised"]
        if int(optimised["posts"].sum()) != int(summary.iloc[0]["posts"]):
            fail(f"plans.csv: the optimised plan has {int(optimised['posts'].sum())} posts, summary.csv {int(summary.iloc[0]['posts'])}")
        close("plans.csv optimised coverage", float(optimised["coverage"].sum()), float(summary.iloc[0]["coverage"]), args.coverage_tolerance)
        for code in [c for c in args.codes.split(",") if c]:
            if code not in set(optimised["territory_code"]):
                fail(f"plans.csv: territory code {code!r} not found verbatim")
    if comparison is not None and summary is not None and len(summary) == 1:
        rows = comparison[comparison["plan"] == "optimised"]
        if len(rows) != 1:
            fail("comparison.csv: expected one row for the optimised plan")
        else:
            close("comparison.csv optimised objective", float(rows.iloc[0]["objective"]), float(summary.iloc[0]["objective"]), 0.01)
        if plans is not None and set(comparison["plan"]) != set(plans["plan"]):
            fail(f"comparison.csv plans {sorted(set(comparison['plan']))} differ from plans.csv {sorted(set(plans['plan']))}")

    if failures:
        print(f"check_outputs.py: {len(failures)} check(s) failed for {args.run_dir}:", file=sys.stderr)
        for message in failures:
            print(f"  - {message}", file=sys.stderr)
        return 1
    print(f"check_outputs.py: {args.run_dir}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
