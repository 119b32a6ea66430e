# Sourced by the bench scripts. time_runs WANT CMD...: runs CMD $runs times
# (stdin /dev/null, output dropped); prints min and median seconds, or
# "nan nan" (and says why on stderr) when a run does not exit with status WANT.
time_runs() {
  local want=$1; shift
  local times=()
  for ((i = 0; i < runs; i++)); do
    local s e rc
    s=$(date +%s.%N)
    set +e; "$@" >/dev/null 2>&1 </dev/null; rc=$?; set -e
    e=$(date +%s.%N)
    if [ "$rc" != "$want" ]; then echo "FAILED (exit $rc): $*" >&2; echo "nan nan"; return; fi
    times+=("$(echo "$e - $s" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f\n", a[1], a[int((NR+1)/2)]}'
}
