#!/usr/bin/env bash
# Starts dockerd in the background when no Docker engine answers (CI machines have no init system).
# Then builds the docker backend's judge image (cached by its tag: seconds when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null 2>&1 || { echo "cpelo: dockerd missing: bash scripts/sysdeps.sh --docker" >&2; exit 1; }
  echo "cpelo: starting dockerd (log: /tmp/cpelo-dockerd.log)"
  nohup dockerd >/tmp/cpelo-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "cpelo: dockerd did not start:" >&2; tail -20 /tmp/cpelo-dockerd.log >&2; exit 1; }
fi
.venv/bin/cpelo sandbox build-image
