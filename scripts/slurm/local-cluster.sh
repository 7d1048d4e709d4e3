#!/usr/bin/env bash
# A throwaway single-node Slurm cluster on this machine, for trying the job scripts and
# for tests/slurm.rs: munged, slurmctld and slurmd from Debian's packages (slurm-wlm,
# munge), run as root with everything (key, config, state, logs, sockets) in one folder.
#
#   scripts/slurm/local-cluster.sh start DIR   # prints: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm/local-cluster.sh stop DIR    # stops the daemons started in DIR
#   scripts/slurm/local-cluster.sh steps DIR   # pids of job steps still running, if any
#
# Nothing outside DIR is touched: no /etc/munge, no /etc/slurm, no systemd. The ports
# are free ones chosen at start, so two clusters (or a real one) can run side by side.
# No cgroups (proctrack/linuxproc, task/none): jobs are not confined, fine for a test.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status|steps DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
if [ "$cmd" = start ]; then mkdir -p "$dir"; fi
[ -d "$dir" ] || { [ "$cmd" != start ] && exit 0; }
dir=$(cd "$dir" && pwd)

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local p tries=0
  while [ $tries -lt 200 ]; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
    tries=$((tries + 1))
  done
  die "no free port found"
}

pid_of() { # a daemon's pid, if its pid file names a live process
  local f="$dir/run/$1.pid" pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# The pids of this cluster's job steps and of everything they run: slurmstepd runs in
# the folder of slurmd's log, $dir/log.
steps() {
  local p pids=()
  for p in /proc/[0-9]*; do
    if [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] &&
      [ "$(readlink "$p/cwd" 2>/dev/null)" = "$dir/log" ]; then
      pids+=("${p#/proc/}")
    fi
  done
  while [ ${#pids[@]} -gt 0 ]; do
    echo "${pids[@]}"
    # shellcheck disable=SC2207
    pids=($(ps -o pid= --ppid "$(
      IFS=,
      echo "${pids[*]}"
    )" 2>/dev/null || true))
  done
}

stop() {
  local d pid waited jobs
  export SLURM_CONF="$dir/slurm.conf"
  # Jobs first, the way Slurm ends them (SIGTERM, then SIGKILL after KillWait).
  if [ -f "$SLURM_CONF" ] && pid_of slurmctld >/dev/null; then
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [ -n "${jobs// /}" ]; then
      echo "local-cluster: cancelling jobs $jobs" >&2
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      waited=0
      while [ -n "$(squeue -h -o %A 2>/dev/null || true)" ] && [ $waited -lt 150 ]; do
        sleep 0.2
        waited=$((waited + 1))
      done
    fi
  fi
  # slurmd, then the controller, then munge.
  for d in slurmd slurmctld munged; do
    pid=$(pid_of "$d") || continue
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "local-cluster: stopped $d ($pid)" >&2
  done
  # Anything a job left behind.
  for pid in $(steps); do
    kill -KILL "$pid" 2>/dev/null && echo "local-cluster: killed leftover process $pid" >&2
  done
  return 0
}

# Waits for a daemon just started to write its pid file (it does so after forking).
started() {
  local waited=0
  until pid_of "$1" >/dev/null; do
    [ $waited -lt 100 ] || die "$1 did not start; see $dir/log/$1.log"
    sleep 0.1
    waited=$((waited + 1))
  done
}

start_failed() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "local-cluster: start failed; logs in $dir/log" >&2
    stop
  fi
}

start() {
  [ "$(id -u)" = 0 ] || die "needs root (the daemons run as root in this test cluster)"
  local tool
  for tool in munged mungekey slurmctld slurmd scontrol sinfo; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
    command -v "$tool" >/dev/null 2>&1 ||
      die "$tool not found: apt-get install slurm-wlm munge"
  done
  pid_of slurmctld >/dev/null && die "$dir: a cluster is already running there"
  # A Unix socket's path has at most 107 bytes.
  [ ${#dir} -le 80 ] || die "$dir: path too long for munge's socket; use a shorter folder"
  # munged refuses keys and sockets in folders others can write to.
  chmod 0755 "$dir"
  mkdir -p "$dir/munge" "$dir/run" "$dir/log" "$dir/state" "$dir/spool"
  chmod 0755 "$dir/munge"
  # On any failure from here on, stop whatever did start.
  trap start_failed EXIT

  mungekey --create --force --keyfile="$dir/munge/munge.key" >/dev/null
  chmod 0400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" \
    --socket="$dir/munge/munge.socket" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  started munged

  local cpus mem ctl_port d_port
  cpus=$(nproc)
  # The memory slurmd sees (it drains a node configured with more than it has).
  mem=$({ slurmd -C 2>/dev/null || true; } | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1)
  mem=${mem:-1000}
  ctl_port=$(free_port)
  d_port=$(free_port)
  while [ "$d_port" = "$ctl_port" ]; do d_port=$(free_port); done

  cat >"$dir/slurm.conf" <<EOF
# Written by scripts/slurm/local-cluster.sh: a single-node test cluster on localhost.
ClusterName=forumsim-local
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# Finished jobs stay visible to scontrol for an hour (there is no accounting database).
MinJobAge=3600
# SIGTERM, then SIGKILL this many seconds later, when a job is cancelled or requeued.
KillWait=10
InactiveLimit=0
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -f "$SLURM_CONF"
  started slurmctld
  slurmd -f "$SLURM_CONF" -N localhost
  started slurmd

  # Up when the controller answers and the node takes jobs.
  local waited=0 state=""
  while [ $waited -lt 300 ]; do
    if scontrol ping >/dev/null 2>&1; then
      state=$(sinfo -h -n localhost -o %t 2>/dev/null || true)
      case "$state" in
        idle* | mix* | alloc*) break ;;
      esac
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  case "$state" in
    idle* | mix* | alloc*) ;;
    *) die "the node did not come up (state '${state:-none}'); see $dir/log" ;;
  esac
  trap - EXIT
  echo "local-cluster: up in $dir (slurmctld port $ctl_port, slurmd port $d_port, $cpus CPUs)" >&2
  echo "export SLURM_CONF=$SLURM_CONF"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status)
    for d in munged slurmctld slurmd; do
      if pid=$(pid_of "$d"); then echo "$d: running ($pid)"; else echo "$d: not running"; fi
    done
    ;;
  steps) steps ;;
  *) usage ;;
esac
