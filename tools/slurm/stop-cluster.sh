#!/usr/bin/env bash
# Stops the test cluster tools/slurm/start-cluster.sh started in STATE_DIR: slurmd, slurmctld and munged, each by
# the pid file it wrote there (never by name, so another cluster on the machine is left alone), then waits for them.
# Usage: tools/slurm/stop-cluster.sh STATE_DIR
set -uo pipefail

state=${1:?usage: stop-cluster.sh STATE_DIR}
pids=()
for pid_file in "$state/slurmd.pid" "$state/slurmctld.pid" "$state/munge/munged.pid"; do
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  fi
done
# Daemons stop within a few seconds; one that does not is killed.
for _ in $(seq 1 50); do
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ ${#alive[@]} -eq 0 ] && exit 0
  sleep 0.2
done
for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null; done
exit 0
