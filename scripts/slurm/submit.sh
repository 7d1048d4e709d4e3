#!/usr/bin/env bash
# Submits a forumsim sweep to Slurm: a job array of SHARDS tasks (shard K of SHARDS in
# OUTDIR/shard-K) and a merge job that runs after the whole array and writes OUTDIR/all.
# docs/CLUSTER.md walks through it.
#
#   scripts/slurm/submit.sh EXPERIMENT OUTDIR SHARDS [-- SBATCH_OPTION...]
#   scripts/slurm/submit.sh --retry OUTDIR [-- SBATCH_OPTION...]
#   scripts/slurm/submit.sh --check OUTDIR
#
# The first form records EXPERIMENT, SHARDS and the binary in OUTDIR/submit.env: the
# shard count is given once, here. --retry resubmits, with --resume, only the shards
# that are not finished (a task that failed, was cancelled or hit its time limit), and
# a new merge after them. --check lists the unfinished shards and exits 1 if there are
# any (the merge job runs it first).
#
# The binary: $FORUMSIM if set, else `forumsim` on PATH (`cargo install --path .`), else
# target/release/forumsim of this repository (`cargo build --release`). It must be
# reachable from the compute nodes, as must OUTDIR and the experiment's files.
# SBATCH_OPTIONs (e.g. --partition=short --account=proj) go to both jobs; so do Slurm's
# own SBATCH_* environment variables. Per-job resources are the #SBATCH lines of
# sweep-array.sbatch and merge.sbatch.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# How messages name this script: as from the repository's root when run from there.
me=$here/submit.sh
if [ "$PWD" = "$repo" ]; then me=scripts/slurm/submit.sh; fi

usage() {
  cat >&2 <<EOF
usage: $me EXPERIMENT OUTDIR SHARDS [-- SBATCH_OPTION...]
       $me --retry OUTDIR [-- SBATCH_OPTION...]
       $me --check OUTDIR
EOF
  exit 2
}

die() {
  echo "error: $*" >&2
  exit 2
}

# An absolute path for a file or folder that may not exist yet.
absolute() {
  case "$1" in
    /*) echo "$1" ;;
    *) echo "$PWD/$1" ;;
  esac
}

# Reads OUTDIR/submit.env, written at the first submission.
load() {
  out=$1
  [ -f "$out/submit.env" ] ||
    die "$out/submit.env not found: submit first with $me EXPERIMENT $out SHARDS"
  # shellcheck source=/dev/null
  . "$out/submit.env"
}

# The shards of OUTDIR that are not finished, one number a line. Shard K owns the chunks
# c with c mod SHARDS = K - 1 (docs/CLUSTER.md); it is finished when all their files
# exist (forumsim writes each chunk file whole, by renaming). Says why on stderr.
unfinished() {
  local k c total expected have f
  for ((k = 1; k <= SHARDS; k++)); do
    local d="$out/shard-$k"
    if [ ! -f "$d/sweep.json" ]; then
      echo "shard $k/$SHARDS: not started ($d/sweep.json missing)" >&2
      echo "$k"
      continue
    fi
    total=$(sed -n 's/^  "chunks": \([0-9]*\),*$/\1/p' "$d/sweep.json" | head -n 1)
    [ -n "$total" ] || die "$d/sweep.json: no chunk count"
    expected=0
    have=0
    for ((c = k - 1; c < total; c += SHARDS)); do
      expected=$((expected + 1))
      printf -v f '%s/chunks/chunk-%06d.csv' "$d" "$c"
      if [ -f "$f" ]; then have=$((have + 1)); fi
    done
    if [ "$have" -lt "$expected" ]; then
      echo "shard $k/$SHARDS: $have of $expected chunks done ($d); see $out/logs/shard-$k.out" >&2
      echo "$k"
    fi
  done
}

# Job ids of ours still queued or running.
queued() {
  [ -n "${JOBS:-}" ] || return 0
  squeue -h -o %i -j "${JOBS// /,}" 2>/dev/null | sort -u | paste -sd' ' - || true
}

# Submits the array (tasks $1, e.g. 1-16 or 3,7) and the merge after it; records them.
submit() {
  local tasks=$1
  shift
  command -v sbatch >/dev/null 2>&1 || die "sbatch not found: run this on a Slurm login node"
  mkdir -p "$out/logs"
  local common=(--parsable
    --export="ALL,FORUMSIM=$FORUMSIM,FORUMSIM_EXPERIMENT=$EXPERIMENT,FORUMSIM_OUT=$out,FORUMSIM_SHARDS=$SHARDS,FORUMSIM_SLURM=$here")
  local array merge
  array=$(sbatch "${common[@]}" --array="$tasks" --output="$out/logs/shard-%a.out" \
    "$@" "$here/sweep-array.sbatch")
  array=${array%%;*}
  merge=$(sbatch "${common[@]}" --dependency="afterany:$array" \
    --output="$out/logs/merge.out" "$@" "$here/merge.sbatch")
  merge=${merge%%;*}
  JOBS="$array $merge"
  write_env
  echo "forumsim: array job $array (shards $tasks of $SHARDS), merge job $merge after it"
  echo "  watch:  squeue -j $array,$merge"
  echo "  logs:   $out/logs/shard-K.out, $out/logs/merge.out"
  echo "  result: $out/all (if a shard fails: $me --retry $out)"
}

write_env() {
  {
    echo "# Written by $me; --retry and --check read it. Do not edit."
    printf 'EXPERIMENT=%q\n' "$EXPERIMENT"
    printf 'SHARDS=%q\n' "$SHARDS"
    printf 'FORUMSIM=%q\n' "$FORUMSIM"
    printf 'JOBS=%q\n' "$JOBS"
  } >"$out/submit.env.tmp"
  mv "$out/submit.env.tmp" "$out/submit.env"
}

# Options for sbatch come after `--`.
sbatch_options() {
  if [ $# -gt 0 ]; then
    [ "$1" = -- ] || die "unexpected '$1': sbatch options go after --"
    shift
  fi
  opts=("$@")
}

case "${1:-}" in
  --check)
    [ $# -eq 2 ] || usage
    load "$(absolute "${2%/}")"
    left=$(unfinished | wc -l)
    if [ "$left" -gt 0 ]; then
      echo "error: $left of $SHARDS shards are not finished; finish them with: $me --retry $out" >&2
      exit 1
    fi
    echo "all $SHARDS shards finished"
    ;;
  --retry)
    [ $# -ge 2 ] || usage
    load "$(absolute "${2%/}")"
    shift 2
    sbatch_options "$@"
    busy=$(queued)
    [ -z "$busy" ] ||
      die "jobs $busy of $out are still queued or running: wait for them, or scancel them first"
    left=$(unfinished | paste -sd, -)
    if [ -z "$left" ]; then
      echo "all $SHARDS shards finished; submitting the merge only"
      merge=$(sbatch --parsable \
        --export="ALL,FORUMSIM=$FORUMSIM,FORUMSIM_OUT=$out,FORUMSIM_SHARDS=$SHARDS,FORUMSIM_SLURM=$here" \
        --output="$out/logs/merge.out" "${opts[@]}" "$here/merge.sbatch")
      JOBS=${merge%%;*}
      write_env
      echo "forumsim: merge job $JOBS"
      exit 0
    fi
    submit "$left" "${opts[@]}"
    ;;
  -*) usage ;;
  *)
    [ $# -ge 3 ] || usage
    [ -f "$1" ] || die "$1: no such experiment file"
    EXPERIMENT=$(absolute "$1")
    out=$(absolute "${2%/}")
    SHARDS=$3
    shift 3
    sbatch_options "$@"
    [[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive whole number, got '$SHARDS'"
    if [ -f "$out/submit.env" ]; then
      die "$out already holds a submitted sweep: finish it with $me --retry $out, or choose another OUTDIR"
    fi
    if [ -n "${FORUMSIM:-}" ]; then
      [ -x "$FORUMSIM" ] || die "FORUMSIM=$FORUMSIM is not an executable file"
    elif command -v forumsim >/dev/null 2>&1; then
      FORUMSIM=$(command -v forumsim)
    elif [ -x "$repo/target/release/forumsim" ]; then
      FORUMSIM=$repo/target/release/forumsim
    else
      die "forumsim not found: cargo install --path $repo (or cargo build --release), or set FORUMSIM=/path/to/forumsim"
    fi
    FORUMSIM=$(absolute "$FORUMSIM")
    mkdir -p "$out"
    JOBS=""
    submit "1-$SHARDS" "${opts[@]}"
    ;;
esac
