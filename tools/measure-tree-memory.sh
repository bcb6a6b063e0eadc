#!/usr/bin/env bash
# Runs a command and samples the resident memory of its whole process tree every 3 s (docs/performance.md's figures).
#   tools/measure-tree-memory.sh OUT-PREFIX command args...
# Writes OUT-PREFIX.out (the command's output), OUT-PREFIX.mem (one line per sample: seconds, total kB, pid:command:kB for
# each process) and OUT-PREFIX.summary (exit code, wall seconds, peak of the summed tree).
set -u
prefix=$1; shift
start=$(date +%s)
"$@" > "$prefix.out" 2>&1 &
root=$!
peak=0
while kill -0 "$root" 2>/dev/null; do
  pids=$(ps -e -o pid=,ppid= | awk -v r="$root" '{p[$1]=$2} END {for (x in p) {y=x; while (y != "" && y > 1) {if (y == r) {print x; break}; y=p[y]}}}')
  total=0; line=""
  for p in $pids; do
    rss=$(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null); [ -n "$rss" ] || continue
    total=$((total + rss)); line="$line $p:$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-60 | tr ' ' '_'):$rss"
  done
  echo "$(( $(date +%s) - start )) total=$total$line" >> "$prefix.mem"
  [ "$total" -gt "$peak" ] && peak=$total
  sleep 3
done
wait "$root"; rc=$?
echo "rc=$rc wall=$(( $(date +%s) - start ))s peak_tree_rss_kb=$peak" | tee "$prefix.summary"
