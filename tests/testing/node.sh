# Sourced by the shell tests: a scratch directory and one passportd on a free
# loopback port, both removed on exit.
#   start_node PASSPORTD [extra serve flags...]   sets $work, $node_pid, $addr
work=$(mktemp -d)
node_pid=
cleanup() {
  [[ -n $node_pid ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_node() {
  local passportd=$1
  shift
  "$passportd" serve --data-dir "$work/data" --listen 127.0.0.1:0 "$@" \
    > "$work/node.out" 2> "$work/node.err" &
  node_pid=$!
  for _ in $(seq 100); do grep -q '^listening' "$work/node.out" 2>/dev/null && break; sleep 0.05; done
  addr=$(awk '/^listening/{print $2}' "$work/node.out")
  [[ -n $addr ]] || { cat "$work/node.err"; echo "passportd did not start"; exit 1; }
}
