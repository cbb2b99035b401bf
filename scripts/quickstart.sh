#!/usr/bin/env bash
# Sets up and runs the quick-start: the demo upstream (an OpenAI-compatible echo server) on 127.0.0.1:8081
# and the FastMask gateway on 127.0.0.1:8080 (admin on 127.0.0.1:9090) with policies/default.json.
# Installs libhs when missing, publishes the native-AOT binary when it is missing or older than the sources,
# prints a ready curl line and runs until Ctrl-C (or QUICKSTART_SECONDS, for unattended runs).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-deps.sh runtime
bin=artifacts/fastmask/fastmask
if [ ! -x "$bin" ] || [ -n "$(find src policies -newer "$bin" -type f -print -quit)" ]; then
  echo "publishing the native-AOT gateway (first run takes a minute or two)..." >&2
  dotnet publish src/FastMask.Gateway -c Release -o artifacts/fastmask -nologo -v quiet >&2
fi

# The gateway holds the upstream credential; callers never see it. The demo upstream accepts any key.
export OPENAI_API_KEY="${OPENAI_API_KEY:-sk-demo-upstream-credential}"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$bin" demo-upstream --listen http://127.0.0.1:8081 --print-bodies &
pids+=($!)
"$bin" serve --config deploy/gateway.json &
pids+=($!)

for _ in $(seq 1 100); do
  if curl -fsS http://127.0.0.1:9090/readyz >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fsS http://127.0.0.1:9090/readyz >/dev/null || { echo "the gateway did not become ready" >&2; exit 1; }

cat <<'TXT'

FastMask is running: gateway http://127.0.0.1:8080/v1 -> demo upstream http://127.0.0.1:8081 (metrics: http://127.0.0.1:9090/metrics)
Try it (the demo upstream answers with what the model saw):

  curl -s http://127.0.0.1:8080/v1/chat/completions -H 'Content-Type: application/json' \
    -d '{"model":"demo","messages":[{"role":"user","content":"I am jane.roe@example.org, card 4111 1111 1111 1111, call +1 415-555-0132"}]}'

Press Ctrl-C to stop.
TXT

if [ -n "${QUICKSTART_SECONDS:-}" ]; then
  sleep "$QUICKSTART_SECONDS"
else
  wait
fi
