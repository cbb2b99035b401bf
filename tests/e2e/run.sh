#!/usr/bin/env bash
# End-to-end tests: the official openai client (node:test, tests/e2e/*.test.mjs) through the native-AOT gateway
# to `fastmask demo-upstream`. Publishes the gateway when the binary is missing or older than the sources, starts
# the demo upstream and the gateway on free loopback ports, runs the tests and always stops both.
# Stdout carries only the TAP report (its "# pass N" / "# fail N" lines are read by scripts/test.sh); everything
# else goes to stderr. Exits with node's status.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
e2e="$root/tests/e2e"
binary="$root/artifacts/fastmask/fastmask"

log() { echo "e2e: $*" >&2; }

# The gateway takes FASTMASK_* overrides from its environment: only the detector engine may be chosen from outside.
while IFS= read -r name; do
  [ "$name" = FASTMASK_DETECTOR_ENGINE ] || unset "$name"
done < <(compgen -e | grep '^FASTMASK_' || true)

if [ ! -d "$e2e/node_modules" ]; then
  log "installing the client"
  if [ -f "$e2e/package-lock.json" ]; then
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) >&2
  else
    (cd "$e2e" && npm install --no-audit --no-fund --loglevel=error) >&2
  fi
fi

stale=""
if [ -x "$binary" ]; then
  stale=$(find src global.json Directory.Build.props Directory.Packages.props \
    \( -name bin -o -name obj \) -prune -o -type f -newer "$binary" -print 2>/dev/null | head -n 1)
fi
if [ ! -x "$binary" ] || [ -n "$stale" ]; then
  log "publishing the gateway (native AOT)${stale:+: $stale changed}"
  dotnet publish src/FastMask.Gateway -c Release -o artifacts/fastmask -nologo -v quiet >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fastmask-e2e.XXXXXX")
upstream_pid=""
gateway_pid=""

stop() {
  # TERM lets the gateway drain (its shutdown timeout is short here); KILL whatever is still there after that.
  local pid
  for pid in $gateway_pid $upstream_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $gateway_pid $upstream_pid; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Four free loopback ports (held open together, so they differ) and the gateway config that uses them.
read -r upstream_port gateway_port admin_port capture_port < <(
  node --input-type=module - "$work/gateway.json" "$root/policies/default.json" <<'EOF'
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
const [config, policy] = process.argv.slice(2);
const servers = await Promise.all([0, 1, 2, 3].map(() => new Promise((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => resolve(server));
})));
const [upstream, gateway, admin, capture] = servers.map((s) => s.address().port);
await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
const route = (name, pathPrefix, port, env) => ({
  name,
  pathPrefix,
  upstream: `http://127.0.0.1:${port}`,
  credential: { header: 'Authorization', prefix: 'Bearer ', env },
  policy,
  timeouts: { connectSeconds: 5, responseSeconds: 30, idleSeconds: 30 },
});
writeFileSync(config, JSON.stringify({
  listeners: [{ url: `http://127.0.0.1:${gateway}` }],
  admin: { url: `http://127.0.0.1:${admin}` },
  shutdownTimeoutSeconds: 5,
  routes: [
    route('openai', '/v1', upstream, 'FASTMASK_E2E_UPSTREAM_KEY'),
    // A second upstream, started by the tests, that records headers (the demo upstream does not show them).
    route('capture', '/capture', capture, 'FASTMASK_E2E_CAPTURE_KEY'),
  ],
}, null, 2));
console.log(upstream, gateway, admin, capture);
EOF
)

secret() { printf 'sk-%s-%s' "$1" "$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"; }
upstream_key=$(secret route)
capture_key=$(secret capture)

"$binary" demo-upstream --listen "http://127.0.0.1:$upstream_port" --print-bodies >"$work/upstream.log" 2>&1 &
upstream_pid=$!
FASTMASK_E2E_UPSTREAM_KEY="$upstream_key" FASTMASK_E2E_CAPTURE_KEY="$capture_key" \
  "$binary" serve --config "$work/gateway.json" >"$work/gateway.log" 2>&1 &
gateway_pid=$!

ready=""
for _ in $(seq 150); do
  if ! kill -0 "$gateway_pid" 2>/dev/null || ! kill -0 "$upstream_pid" 2>/dev/null; then
    break
  fi
  if curl -fsS --max-time 1 "http://127.0.0.1:$admin_port/readyz" >/dev/null 2>&1 \
    && curl -fsS --max-time 1 "http://127.0.0.1:$upstream_port/v1/models" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  log "the gateway or the demo upstream did not become ready"
  tail -n 20 "$work/gateway.log" "$work/upstream.log" >&2 || true
  exit 1
fi

status=0
FASTMASK_E2E_GATEWAY_URL="http://127.0.0.1:$gateway_port" \
FASTMASK_E2E_BASE_URL="http://127.0.0.1:$gateway_port/v1" \
FASTMASK_E2E_UPSTREAM_LOG="$work/upstream.log" \
FASTMASK_E2E_CAPTURE_PORT="$capture_port" \
FASTMASK_E2E_CAPTURE_CREDENTIAL="$capture_key" \
  timeout --kill-after=5 150 node --test --test-reporter=tap --test-timeout=30000 tests/e2e/ || status=$?

if [ "$status" -ne 0 ]; then
  log "node exited with $status; gateway log:"
  tail -n 20 "$work/gateway.log" >&2 || true
fi
exit "$status"
