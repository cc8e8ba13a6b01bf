#!/usr/bin/env bash
# Starts / stops a single-node Slurm on localhost for tests (REFERENCE.md §4):
# munged (as user munge), slurmctld and slurmd with a private config under
# $SLUICE_SLURM_DIR (default /tmp/sluice-slurm). Daemons are stopped by the
# PIDs recorded at start; a munged that was already running is left alone.
#   scripts/slurm_local.sh start   # prints: export SLURM_CONF=...
#   scripts/slurm_local.sh stop
# Needs root and the Debian packages slurmctld slurmd slurm-client munge.
set -euo pipefail
D="${SLUICE_SLURM_DIR:-/tmp/sluice-slurm}"
CONF="$D/slurm.conf"
PIDS="$D/pids"

start() {
  for tool in munged slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || { echo "slurm_local: $tool missing (apt-get install slurmctld slurmd slurm-client munge)" >&2; exit 2; }
  done
  if [[ -s "$PIDS" ]]; then
    echo "slurm_local: already started (see $PIDS); run stop first" >&2
    exit 1
  fi
  mkdir -p "$D"/{ctld,d,run,log}
  : > "$PIDS"
  # munge: key, runtime dir owned by munge, daemon as munge.
  [[ -f /etc/munge/munge.key ]] || mungekey --create >/dev/null 2>&1 || create-munge-key >/dev/null 2>&1
  chown munge:munge /etc/munge/munge.key 2>/dev/null || true
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if [[ -f /run/munge/munged.pid ]] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
    echo "slurm_local: munged already running (pid $(cat /run/munge/munged.pid)), not managed here" >&2
  else
    runuser -u munge -- munged
    for _ in $(seq 50); do [[ -s /run/munge/munged.pid ]] && break; sleep 0.1; done
    echo "munged $(cat /run/munge/munged.pid)" >> "$PIDS"
  fi
  chown -R slurm:slurm "$D/ctld" "$D/log" "$D/run"
  # At least 8 CPUs (slurmd takes the configured count, config_overrides): the
  # 4 tasks of a test's job array must run at the same time, as on a cluster,
  # even on a 2-core machine (the tests check it with SLUICE_TASK_BARRIER).
  local cpus; cpus=$(nproc); (( cpus < 8 )) && cpus=8
  cat > "$CONF" <<CONF
ClusterName=sluice
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$D/ctld
SlurmdSpoolDir=$D/d
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmdParameters=config_overrides
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$CONF"
  slurmctld -f "$CONF"
  for _ in $(seq 100); do [[ -s "$D/run/slurmctld.pid" ]] && break; sleep 0.1; done
  echo "slurmctld $(cat "$D/run/slurmctld.pid")" >> "$PIDS"
  slurmd -f "$CONF" -N localhost
  for _ in $(seq 100); do [[ -s "$D/run/slurmd.pid" ]] && break; sleep 0.1; done
  echo "slurmd $(cat "$D/run/slurmd.pid")" >> "$PIDS"
  # Wait until the node is usable.
  for _ in $(seq 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "export SLURM_CONF=$CONF"
      return 0
    fi
    sleep 0.2
  done
  echo "slurm_local: node did not become idle; logs in $D/log" >&2
  sinfo >&2 || true
  exit 2
}

stop() {
  [[ -f "$PIDS" ]] || { echo "slurm_local: nothing started here ($PIDS missing)" >&2; return 0; }
  # Reverse order: slurmd, slurmctld, munged.
  tac "$PIDS" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
      echo "slurm_local: stopped $name ($pid)" >&2
    fi
  done
  rm -f "$PIDS"
  rm -rf "$D/ctld" "$D/d"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 1 ;;
esac
