#!/usr/bin/env bash
# End-to-end smoke test of scripts/slurm-cluster (as root): installs Slurm and munge when missing, then twice
# starts the single-node cluster (and starts it again while it runs), runs a 6-task job array with
# sbatch --array=0-5 --wait whose tasks write SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, checks all six,
# stops the cluster (and stops it again) and checks that no slurm or munge daemon is left. Also checks
# that a failed start prints the logs and leaves no daemon, and that start refuses a slurm.conf it did not write. Exits non-zero with the daemons' logs on any failure;
# it never skips. Leaves the cluster stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"

[ "$(id -u)" = 0 ] || { echo "cluster-smoke: FAIL: must run as root" >&2; exit 1; }

STATE=$(mktemp -d /tmp/repartir-slurm-smoke.XXXXXX)
WORK=$(mktemp -d /tmp/repartir-slurm-job.XXXXXX)
CONF=/etc/slurm/slurm.conf
ok=0

finish() {
  if [ "$ok" != 1 ]; then
    echo "cluster-smoke: FAIL; the daemons' logs:" >&2
    for log in "$STATE"/log/*.log; do
      [ -f "$log" ] && { echo "----- $log -----" >&2; tail -n 80 "$log" >&2; }
    done
    for out in "$WORK"/slurm-*.out; do
      [ -f "$out" ] && { echo "----- $out -----" >&2; cat "$out" >&2; }
    done
  fi
  [ -f "$CONF.smoke-backup" ] && mv -f "$CONF.smoke-backup" "$CONF"
  scripts/slurm-cluster stop "$STATE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  [ "$ok" = 1 ] && rm -rf "$STATE"
  return 0
}
trap finish EXIT

fail() { echo "cluster-smoke: FAIL: $*" >&2; exit 1; }

# Live slurm/munge processes (zombies awaiting a slow init are dead already).
live_daemons() {
  local name pid state
  for name in munged slurmctld slurmscriptd slurmd slurmstepd; do
    for pid in $(pgrep -x "$name" || true); do
      state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || continue
      if [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]; then echo "$name:$pid"; fi
    done
  done
}

# Milliseconds since the epoch, for the timings.
now_ms() { date +%s%3N; }

t=$(now_ms)
scripts/setup --with-slurm
echo "cluster-smoke: setup --with-slurm took $(( $(now_ms) - t )) ms"

[ -z "$(live_daemons)" ] || fail "slurm or munge already runs ($(live_daemons | tr '\n' ' ')); stop it first"

cat >"$WORK/task.sh" <<'EOF'
#!/bin/bash
echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT" >"task-$SLURM_ARRAY_TASK_ID.txt"
EOF

for round in 1 2; do
  t=$(now_ms)
  scripts/slurm-cluster start "$STATE" || fail "round $round: start exited $?"
  echo "cluster-smoke: round $round: start took $(( $(now_ms) - t )) ms"
  scripts/slurm-cluster start "$STATE" || fail "round $round: start while running exited $?"
  scripts/slurm-cluster status "$STATE" || fail "round $round: status says not all daemons run"
  [ "$(sinfo -h -N -o %T)" = idle ] || fail "round $round: node not idle: $(sinfo -N 2>&1)"

  rm -f "$WORK"/task-*.txt
  t=$(now_ms)
  (cd "$WORK" && timeout 120 sbatch --array=0-5 --wait --output="$WORK/slurm-%A_%a.out" task.sh) \
    || fail "round $round: sbatch --array=0-5 --wait exited non-zero"
  echo "cluster-smoke: round $round: the 6-task array took $(( $(now_ms) - t )) ms"
  [ "$(find "$WORK" -name 'task-*.txt' | wc -l)" = 6 ] || fail "round $round: not six task files: $(ls "$WORK")"
  for i in 0 1 2 3 4 5; do
    [ "$(cat "$WORK/task-$i.txt")" = "$i 6" ] || fail "round $round: task-$i.txt holds '$(cat "$WORK/task-$i.txt")', expected '$i 6'"
  done

  t=$(now_ms)
  scripts/slurm-cluster stop "$STATE" || fail "round $round: stop exited $?"
  echo "cluster-smoke: round $round: stop took $(( $(now_ms) - t )) ms"
  scripts/slurm-cluster stop "$STATE" || fail "round $round: stop when nothing runs exited $?"
  [ -z "$(live_daemons)" ] || fail "round $round: still running after stop: $(live_daemons | tr '\n' ' ')"
  if scripts/slurm-cluster status "$STATE" >/dev/null; then fail "round $round: status says running after stop"; fi
done

# A start that fails (here: no time at all to wait for the idle node) prints the daemons' logs, exits
# non-zero and leaves no daemon behind.
if SLURM_CLUSTER_TIMEOUT=0 scripts/slurm-cluster start "$STATE" 2>"$WORK/failed-start.err"; then
  fail "start with SLURM_CLUSTER_TIMEOUT=0 succeeded"
fi
grep -q "slurmctld.log" "$WORK/failed-start.err" || fail "a failed start did not print the daemons' logs: $(cat "$WORK/failed-start.err")"
[ -z "$(live_daemons)" ] || fail "a failed start left $(live_daemons | tr '\n' ' ')"

# A slurm.conf the script did not write is left alone, and nothing starts.
cp "$CONF" "$CONF.smoke-backup"
printf 'ClusterName=someone-else\n' >"$CONF"
if scripts/slurm-cluster start "$STATE" 2>/dev/null; then fail "start overwrote a foreign slurm.conf"; fi
[ "$(cat "$CONF")" = "ClusterName=someone-else" ] || fail "start changed a foreign slurm.conf"
[ -z "$(live_daemons)" ] || fail "start with a foreign slurm.conf left $(live_daemons | tr '\n' ' ')"
mv -f "$CONF.smoke-backup" "$CONF"

ok=1
echo "cluster-smoke: OK (two start/array/stop rounds, idempotent start and stop, failed start cleaned up, foreign slurm.conf refused)"
