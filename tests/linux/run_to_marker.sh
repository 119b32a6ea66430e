# Sourced by the Linux boot tests: run_to_marker LOG PXOS-RUN-ARGS... runs
# pxos to the marker PXOS-LINUX-MARKER on the serial console (LOG), and stops
# it early when the console shows the kernel giving up (its setup's "Unable
# to boot", a panic, an oops), so that a failing boot fails in seconds, not at
# the timeout. Sets $status to pxos's exit status (or 1 for an early stop).
run_to_marker() {
  local log=$1
  shift
  : >"$log"
  "$@" --serial "file:$log" --until-text PXOS-LINUX-MARKER &
  local pid=$!
  status=
  while kill -0 "$pid" 2>/dev/null; do
    if grep -qaE 'Unable to boot|Kernel panic|BUG: |Oops: |general protection fault|invalid opcode:' "$log"; then
      sleep 2  # let the rest of the message arrive
      kill "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      echo "stopped early: the kernel gave up (see the console below)"
      status=1
      return
    fi
    sleep 1
  done
  wait "$pid"
  status=$?
}
