#!/usr/bin/env bash
# Installs what FastMask needs on a Debian 12 machine, only when it is missing.
#   ensure-deps.sh runtime   libhs (Hyperscan 5.4 runtime)
#   ensure-deps.sh test      runtime + what the tests start (redis-server) + node for the client tests
#   ensure-deps.sh load      runtime + wrk, nginx, haproxy for loadtest/
set -euo pipefail

want=(libhyperscan5)
case "${1:-runtime}" in
  runtime) ;;
  test) want+=(redis-server nodejs) ;;
  load) want+=(wrk nginx haproxy) ;;
  *) echo "usage: $0 runtime|test|load" >&2; exit 2 ;;
esac

missing=()
for pkg in "${want[@]}"; do
  if [ "$pkg" = nodejs ] && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required (dotnet on PATH)" >&2
  exit 1
fi
