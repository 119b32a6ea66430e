# Helpers for the GDB stub's tests (sourced).

# What every gdb session test starts with: skips (77) without gdb or, for
# ENGINE kvm, without a usable /dev/kvm; sets $tmp (removed at exit) and $port.
gdb_test_setup() {
  command -v gdb >/dev/null || { echo "SKIP: gdb is not installed (scripts/deps.sh installs it)"; exit 77; }
  if [ "$1" = kvm ] && [ ! -w /dev/kvm ]; then echo "SKIP: /dev/kvm is not usable here"; exit 77; fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  port=$(free_port)
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until pxos says it waits for GDB (its stderr in $1), at most 30 s.
wait_for_gdb() {
  for _ in $(seq 300); do
    grep -q "waiting for GDB" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "FAIL: pxos never listened for GDB; its stderr:" >&2
  cat "$1" >&2
  return 1
}

# Waits for a background process ($1) for at most $2 seconds; its status in $status.
wait_status() {
  for _ in $(seq $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    kill "$1"
    echo "FAIL: pxos still runs after $2 s" >&2
    return 1
  fi
  wait "$1"
  status=$?
}

expect_in() {  # expect_in FILE TEXT
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: '$2' not in $1:" >&2
    cat "$1" >&2
    return 1
  fi
}
