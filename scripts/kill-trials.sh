#!/usr/bin/env bash
# kill -9 trials of `forumsim run` onto an existing run folder (docs/RELIABILITY.md).
#
# Writes a complete run folder (world, 48 runs, --votes --states, seed 1), then starts
# TRIALS more runs onto the same folder, each with another seed, and kills each with
# SIGKILL at a time spread from the start to past the end of a run. After each kill the
# folder must verify (`forumsim verify --sample 3`): it is the previous complete run or
# the new complete one, never a mix. Prints one line per trial and the count.
#
#   scripts/kill-trials.sh [TRIALS] [FORUMSIM]     # defaults: 20, target/release/forumsim
set -u
trials=${1:-20}
bin=${2:-target/release/forumsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"
args=(run scenarios/world.toml --runs 48 --votes --states -q -o "$out")

start=$(date +%s%N)
"$bin" "${args[@]}" --seed 1 >/dev/null 2>&1 || { echo "the first run failed" >&2; exit 1; }
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "one complete run: ${full_ms} ms; killing at 1/${trials} .. 6/5 of it"

complete=0
for t in $(seq 1 "$trials"); do
    ms=$(( full_ms * 6 * t / (5 * trials) ))
    "$bin" "${args[@]}" --seed $((t + 1)) >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    "$bin" verify "$out" -q --sample 3 >"$work/verify.txt" 2>&1
    status=$?
    [ "$status" = 0 ] && complete=$((complete + 1))
    seed=$(grep -o '"seed": *[0-9]*' "$out/manifest.json" 2>/dev/null | head -1 | grep -o '[0-9]*$')
    staging=$(find "$work" -maxdepth 1 -name '.out.*' | wc -l)
    echo "trial $t: killed at ${ms} ms; verify exit $status; folder holds seed ${seed:-?}; staging folders left: $staging"
done
echo "complete folders: $complete of $trials"
[ "$complete" = "$trials" ]
