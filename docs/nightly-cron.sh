#!/bin/sh
# Example cron wrapper for a nightly repartir run into a runs root (docs/outputs.md, "Nightly runs").
#
#   # crontab: every night at 02:15 UTC
#   15 2 * * *  ALERT_COMMAND='mail -s "repartir nightly" ops@example.org' /opt/repartir/docs/nightly-cron.sh /opt/repartir/scenarios/france-relance-2020 /srv/repartir/runs --keep 30
#
# Usage: nightly-cron.sh SCENARIO RUNS_ROOT [more `repartir run` options…]
# Environment:
#   REPARTIR       the repartir executable (default: `repartir` on PATH)
#   ALERT_COMMAND  run with `sh -c` on a failure, the alert text on its stdin
#                  (default: the text on stderr, which cron mails)
#
# Exit codes of repartir: 0 (optimal) and 10 (feasible, a limit was hit; the plan is published) are
# success: nothing is printed, so cron sends no mail. 75 (another run holds the lock) is a skipped
# night: one line on stdout, exit 0. Anything else (20 infeasible, 65/66/78 bad input, 70, 73/74,
# 129–143 stopped…) alerts with repartir's --json status object and exits with repartir's code.
# Every outcome is also a row of RUNS_ROOT/runs.csv.
set -u
if [ $# -lt 2 ]; then
  echo "usage: nightly-cron.sh SCENARIO RUNS_ROOT [repartir run options...]" >&2
  exit 64
fi
scenario=$1
root=$2
shift 2

status=$("${REPARTIR:-repartir}" run "$scenario" --runs-root "$root" --json -q "$@")
code=$?

case $code in
  0|10)
    exit 0 ;;
  75)
    echo "repartir nightly skipped: another run holds the lock of $root/latest"
    exit 0 ;;
  *)
    text="repartir nightly failed with exit $code ($scenario, runs root $root): $status"
    if [ -n "${ALERT_COMMAND:-}" ]; then
      printf '%s\n' "$text" | sh -c "$ALERT_COMMAND"
    else
      printf '%s\n' "$text" >&2
    fi
    exit $code ;;
esac
