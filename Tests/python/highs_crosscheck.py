#!/usr/bin/env python3
"""Solves a model exported by `repartir export-model --format mps` with HiGHS, independently of GLPK,
and compares its optimum with the objective `repartir run` reported in summary.json.

Usage: highs_crosscheck.py MODEL.mps SUMMARY.json --sense max

Prints one JSON line {"highs_objective": …, "repartir_objective": …, "tolerance": …, …} on stdout.
Exits 0 when the two agree, 1 when they do not, 2 when HiGHS cannot solve the model, 3 when highspy
is missing (the Swift test treats every non-zero exit as a failure, never as a skip).

Objective sense. GLPK 5.0's free MPS (glp_write_mps, GLP_MPS_FILE) as repartir writes it carries
no OBJSENSE section and no "(MAXimum)" comment either (checked: the header comments give only the
problem name, class, rows, columns and non-zeros), so an MPS reader, HiGHS included, assumes
minimisation; repartir documents this (GLPKSolver.write: "pass --max to glpsol"). The caller must
therefore say the sense with --sense; if the file does declare one (an OBJSENSE section or GLPK's
comment) it must agree. We set the sense on HiGHS explicitly and check the sign: the model
maximises coverage value, positive for any plan with posts, while minimising the same model
gives about -1e-5 (all coverage at zero, floors met at the cheapest tie-break).

Tolerance. repartir's model objective is  value(x) - tie_break(x)  where the tie-break is
1e-6 × (State cost of a post / the largest State cost) per post, i.e. at most 1e-6 per post, and
summary.json's `objective` is value(x) alone (recomputed from the plan) printed with 3 decimals.
HiGHS's optimum z* is of the full model (with tie-break), so for the same optimal plan
    0 <= summary.objective - z* <= 1e-6 × posts + 0.0005 (rounding of the printed value),
and alternative optima differ from each other in value by less than the same tie-break span.
On top of that both solvers carry their own feasibility and integrality tolerances, hence
    |summary.objective - z*| <= 1e-6 × |z*| + 1e-6 × posts + 0.0005.
We also recompute value(x_HiGHS) = z* + tie_break(x_HiGHS) from HiGHS's solution and the MPS's
objective coefficients of the x[...] columns, and report it.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

try:
    import highspy
except ImportError:
    print("highs_crosscheck.py: highspy is not installed (pip install highspy, or scripts/setup --with-python)", file=sys.stderr)
    sys.exit(3)


def declared_sense(text: str) -> tuple[str | None, str]:
    """('max' | 'min' | None, where it was read)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.upper().startswith("OBJSENSE"):
            rest = stripped[len("OBJSENSE"):].strip() or (lines[index + 1].strip() if index + 1 < len(lines) else "")
            return ("max" if rest.upper().startswith("MAX") else "min", "OBJSENSE section")
    for line in lines:
        if line.startswith("*") and "Objective:" in line:
            if "(MAXimum)" in line:
                return "max", "GLPK comment"
            if "(MINimum)" in line:
                return "min", "GLPK comment"
    return None, "nothing in the file"


def main() -> int:
    arguments = sys.argv[1:]
    if len(arguments) != 4 or arguments[2] != "--sense" or arguments[3] not in ("max", "min"):
        print(__doc__, file=sys.stderr)
        return 64
    model_path, summary_path, sense = Path(arguments[0]), Path(arguments[1]), arguments[3]
    text = model_path.read_text(encoding="utf-8")
    in_file, sense_source = declared_sense(text)
    if in_file is not None and in_file != sense:
        print(f"highs_crosscheck.py: the file declares {in_file} ({sense_source}) but --sense {sense} was given", file=sys.stderr)
        return 1
    has_objsense = "OBJSENSE" in text.upper()
    summary = json.loads(summary_path.read_text(encoding="utf-8"))

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("random_seed", 0)
    status = h.readModel(str(model_path))
    if status == highspy.HighsStatus.kError:
        print(f"highs_crosscheck.py: HiGHS cannot read {model_path}", file=sys.stderr)
        return 2
    lp = h.getLp()
    file_sense = "max" if lp.sense_ == highspy.ObjSense.kMaximize else "min"
    if file_sense != sense:
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize)
    h.run()
    model_status = h.getModelStatus()
    if model_status != highspy.HighsModelStatus.kOptimal:
        print(f"highs_crosscheck.py: HiGHS ended with {h.modelStatusToString(model_status)}", file=sys.stderr)
        return 2
    info = h.getInfo()
    z = float(info.objective_function_value)

    # Tie-break of HiGHS's plan, from the objective coefficients of the decision columns x[...].
    lp = h.getLp()
    values = h.getSolution().col_value
    names = list(lp.col_names_)
    tie_break = -sum(lp.col_cost_[j] * values[j] for j, name in enumerate(names) if name.startswith("x["))
    posts = sum(round(values[j]) for j, name in enumerate(names) if name.startswith("x["))
    value_highs = z + tie_break

    repartir = float(summary["objective"])
    tolerance = 1e-6 * abs(z) + 1e-6 * max(posts, int(summary["posts"])) + 0.0005
    report = {
        "highs_objective": z,
        "highs_value_without_tie_break": value_highs,
        "highs_tie_break": tie_break,
        "highs_posts": posts,
        "repartir_objective": repartir,
        "repartir_posts": summary["posts"],
        "difference": repartir - z,
        "tolerance": tolerance,
        "sense": sense,
        "sense_declared_in_file": in_file,
        "sense_source": sense_source,
        "objsense_in_file": has_objsense,
        "highs_read_sense": file_sense,
        "columns": lp.num_col_,
        "rows": lp.num_row_,
        "integer_columns": sum(1 for t in (lp.integrality_ or []) if t == highspy.HighsVarType.kInteger),
    }
    print(json.dumps(report))
    problems = []
    if sense == "max" and not z > 0:
        problems.append(f"the optimum {z} is not positive: the objective sense is wrong")
    if not abs(repartir - z) <= tolerance:
        problems.append(f"repartir's objective {repartir} and HiGHS's optimum {z} differ by {repartir - z:.9g} (tolerance {tolerance:.9g})")
    if not abs(repartir - value_highs) <= tolerance:
        problems.append(f"repartir's objective {repartir} and the value of HiGHS's plan {value_highs} differ by {repartir - value_highs:.9g}")
    if report["integer_columns"] == 0:
        problems.append("HiGHS read no integer column: the MPS lost its MARKER lines, this is not the MIP")
    if problems:
        for message in problems:
            print(f"highs_crosscheck.py: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
