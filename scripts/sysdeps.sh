#!/usr/bin/env bash
# Installs the system packages cpelo's judge and tests need, when they are missing.
# Fast when everything is present: it only checks commands.
set -euo pipefail
need=()
command -v gcc   >/dev/null 2>&1 || need+=(gcc)
command -v g++   >/dev/null 2>&1 || need+=(g++)
command -v make  >/dev/null 2>&1 || need+=(make)
command -v pypy3 >/dev/null 2>&1 || need+=(pypy3)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
[ -x /usr/bin/python3 ] || need+=(python3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)  # judge service tests
[ -f /usr/include/linux/seccomp.h ] || need+=(libc6-dev)  # the sandbox runner is built with gcc
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-liberation)  # tests/contests/app/report render the HTML report
if [ "${1:-}" = "--docker" ]; then  # the docker sandbox backend: CI, and hosts that opt in
  command -v dockerd     >/dev/null 2>&1 || need+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)  # builds the judge image offline
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "cpelo: missing system packages; run as root: apt-get install -y ${need[*]}" >&2
  exit 0
fi
echo "cpelo: installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
