#!/usr/bin/env bash
# Starts a single-node Slurm cluster on 127.0.0.1 for the tests and the bench: munged with a key generated into
# STATE_DIR, then slurmctld and slurmd with a minimal slurm.conf written there, run as the current user. Nothing
# outside STATE_DIR is written, and the cluster has no accounting database (see docs/slurm.md).
# Usage: tools/slurm/start-cluster.sh STATE_DIR [CTLD_PORT SLURMD_PORT]
# Prints `SLURM_CONF=STATE_DIR/slurm.conf` on success; client commands (sbatch, squeue …) need that variable.
# Exits 1 with the reason on stderr when a daemon is missing or does not come up; tools/slurm/stop-cluster.sh stops it.
set -euo pipefail

state=${1:?usage: start-cluster.sh STATE_DIR [CTLD_PORT SLURMD_PORT]}
ctld_port=${2:-6817}
slurmd_port=${3:-6818}
mkdir -p "$state"
state=$(cd "$state" && pwd)

for command in munged slurmctld slurmd sinfo; do
  command -v "$command" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "$command" >/dev/null 2>&1 || {
    echo "start-cluster: '$command' is not installed (Debian: apt-get install slurm-wlm munge)." >&2
    exit 1
  }
done
export PATH="$PATH:/usr/sbin"

user=$(id -un)
mkdir -p "$state/munge" "$state/ctld" "$state/spool" "$state/log"
chmod 700 "$state/munge"
# A fresh key per cluster: nothing else can authenticate to it.
head -c 1024 /dev/urandom >"$state/munge/munge.key"
chmod 400 "$state/munge/munge.key"
socket="$state/munge/munge.socket"

# --force: munged refuses to run as root, or with a key in a folder it does not consider secure, without it.
munged --force --key-file="$state/munge/munge.key" --socket="$socket" --pid-file="$state/munge/munged.pid" \
  --seed-file="$state/munge/munged.seed" --log-file="$state/log/munged.log" --num-threads=2

cpus=$(nproc)
cat >"$state/slurm.conf" <<CONF
# Written by tools/slurm/start-cluster.sh: a one-node test cluster, no accounting database.
ClusterName=miatest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool/slurmd-%n
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1024 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$state/slurm.conf"

# -i: ignore state from an earlier cluster in this folder; -c: clear previous jobs.
slurmctld -i -c -f "$SLURM_CONF"
slurmd -N localhost -f "$SLURM_CONF"

# Up when the node reports idle (or mixed/allocated if someone already submitted).
for _ in $(seq 1 60); do
  node_state=$(sinfo --noheader --nodes=localhost --format=%T 2>/dev/null || true)
  case "$node_state" in
    idle* | mixed* | allocated*)
      echo "SLURM_CONF=$SLURM_CONF"
      exit 0
      ;;
  esac
  sleep 0.5
done
echo "start-cluster: the node did not become idle within 30 s (state: '${node_state:-none}'). Last log lines:" >&2
tail -n 5 "$state/log/slurmctld.log" "$state/log/slurmd.log" "$state/log/munged.log" >&2 2>/dev/null || true
exit 1
