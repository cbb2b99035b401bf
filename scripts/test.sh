#!/usr/bin/env bash
# Sets up and runs every test: the .NET test projects (unit and functional, on real sockets) and the
# end-to-end client tests against the AOT-published gateway. Prints one closing line
# "tests: N passed, N failed" summed over all of them; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/ensure-deps.sh test || exit 1

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

status=0
dotnet build FastMask.sln -c Release -warnaserror -nologo -v quiet || exit 1

for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(printf '%s' "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(printf '%s' "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

# End-to-end: the official openai client through the native-AOT gateway to the demo upstream.
if [ -f tests/e2e/run.sh ]; then
  e2e_out="$results/e2e.tap"
  if bash tests/e2e/run.sh >"$e2e_out" 2>"$results/e2e.stderr"; then :; else status=1; fi
  cat "$e2e_out"
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$e2e_out" | tail -n 1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$e2e_out" | tail -n 1)
  if [ -z "$p" ] && [ -z "$f" ]; then
    echo "end-to-end tests did not run:" >&2
    tail -n 30 "$results/e2e.stderr" >&2
    failed=$((failed + 1))
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
fi

if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  status=1
fi
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed"
exit $status
