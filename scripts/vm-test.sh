#!/usr/bin/env bash
# The sandbox on real cgroup-v2-only kernels: boots Debian's kernel under QEMU (TCG emulation: KVM guests
# hang on the CI machines) on the host's own files shared read-only (9p) with a tmpfs overlay on top, and
# runs scripts/vm/guest.py inside as root and as uid 1000 in a delegated cgroup subtree (--full: also as
# uid 1000 without any cgroup).
# Prints one JSON object per configuration and exits non-zero when any configuration failed.
# Cached under $CPELO_VM_CACHE (default ~/.cache/cpelo/vm): the kernel and the initramfs.
# Usage: scripts/vm-test.sh [--full] [--timeout SECONDS] [--out DIR]   (root needed for apt-get only)
# --full adds uid 1000 without a cgroup, the sandbox's host/rootless/mount/limit tests, the overhead bench
# and `make demo` as uid 1000.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CPELO_VM_CACHE:-$HOME/.cache/cpelo/vm}"
KPKG="${CPELO_VM_KERNEL:-linux-image-6.1.0-57-amd64}"  # bookworm's 6.1: memory.peak, cgroup.kill
TIMEOUT=2400
OUT=""
MODE=quick
while [ $# -gt 0 ]; do
  case "$1" in
    --full) MODE=full ;;
    --quick) MODE=quick ;;
    --timeout) TIMEOUT="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) echo "vm-test: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
t0=$(date +%s.%N)

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "vm-test: missing packages; run as root: apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
fi

# The kernel: extracted from Debian's package into the cache, never installed into the host's /boot.
KDIR="$CACHE/$KPKG"
if [ ! -f "$KDIR/vmlinuz" ]; then
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/.kernel.XXXXXX")"
  ( cd "$tmp" && chmod 755 . && apt-get download -q "$KPKG" >/dev/null 2>&1 ) \
    || ( cd "$tmp" && apt-get update -qq && apt-get download -q "$KPKG" >/dev/null )
  dpkg-deb -x "$tmp"/*.deb "$tmp/x"
  mkdir -p "$tmp/k"
  cp "$tmp"/x/boot/vmlinuz-* "$tmp/k/vmlinuz"
  cp -a "$tmp"/x/lib/modules/* "$tmp/k/modules"
  rm -rf "$KDIR" && mv "$tmp/k" "$KDIR" && rm -rf "$tmp"
fi

# The initramfs: busybox, the modules for 9p and overlayfs (with their dependencies, in load order), /init.
MODS=(9pnet_virtio 9p overlay virtio_pci)
INIT="$REPO/scripts/vm/init"
key="$(cat "$INIT" /bin/busybox <(echo "$KPKG ${MODS[*]}") | sha256sum | cut -c1-16)"
INITRD="$CACHE/initramfs-$key.cpio.gz"
if [ ! -f "$INITRD" ]; then
  tmp="$(mktemp -d "$CACHE/.initrd.XXXXXX")"
  mkdir -p "$tmp"/{bin,dev,proc,sys,host,rw,newroot,out,mods}
  cp /bin/busybox "$tmp/bin/busybox"
  cp "$INIT" "$tmp/init" && chmod 755 "$tmp/init"
  order=()
  add_mod() {  # depth-first: dependencies first
    local name="$1" f dep
    f="$(find "$KDIR/modules" -name "$name.ko*" | head -1)"
    [ -n "$f" ] || { f="$(find "$KDIR/modules" -name "${name//_/-}.ko*" | head -1)"; }
    [ -n "$f" ] || return 0  # built in
    for dep in $(busybox strings "$f" | sed -n "s/^depends=//p" | tr ',' ' '); do add_mod "$dep"; done
    case " ${order[*]} " in *" $f "*) ;; *) order+=("$f") ;; esac
  }
  for m in "${MODS[@]}"; do add_mod "$m"; done
  i=10
  for f in "${order[@]}"; do cp "$f" "$tmp/mods/$i-$(basename "$f")"; i=$((i + 1)); done
  ( cd "$tmp" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 ) > "$INITRD.tmp"
  mv "$INITRD.tmp" "$INITRD"
  rm -rf "$tmp"
  find "$CACHE" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "$(basename "$INITRD")" -delete
fi
# The sandbox runner, built here: compiling it under emulation takes half a minute per user.
RUNNERS="$CACHE/runner"
mkdir -p "$RUNNERS"
PYTHONPATH="$REPO" "$REPO/.venv/bin/python" -c \
  'import sys; from pathlib import Path; from sandbox import SandboxConfig; from sandbox.runner_build import runner_path; runner_path(SandboxConfig(cache_dir=Path(sys.argv[1])))' \
  "$RUNNERS"
# Native builds of every program the VM runs, with the host's own results as the reference (see
# scripts/vm/guest.py --prepare), kept per version of the code that produces them.
src_key="$(cd "$REPO" && find sandbox judge tests/judge/programs -type f ! -name '*.pyc' | sort \
  | xargs sha256sum | sha256sum | cut -c1-16)"
PREBUILT="$CACHE/prebuilt-$src_key"
# The demo's builds only for --full (the only run of `make demo` in the VM).
if [ ! -f "$PREBUILT/host.json" ] || { [ "$MODE" = full ] && ! grep -q '"demo_prepared": true' "$PREBUILT/host.json"; }; then
  rm -rf "$CACHE"/prebuilt-*
  PYTHONPATH="$REPO" "$REPO/.venv/bin/python" "$REPO/scripts/vm/guest.py" --mode "$MODE" --prepare "$PREBUILT"
fi
t_prep=$(date +%s.%N)

OUTDIR="${OUT:-$(mktemp -d /tmp/cpelo-vm.XXXXXX)}"
mkdir -p "$OUTDIR" && chmod 777 "$OUTDIR"
rm -f "$OUTDIR"/results.jsonl "$OUTDIR"/done "$OUTDIR"/*.log "$OUTDIR"/demo.rc
# cgroup_no_v1=all: only cgroup v2 exists, as on every current distribution.
APPEND="console=ttyS0 quiet loglevel=3 panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1"
APPEND+=" cpelo.repo=$REPO cpelo.mode=$MODE cpelo.runners=$RUNNERS cpelo.prebuilt=$PREBUILT"
set +e
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -smp "${CPELO_VM_CPUS:-2}" -m "${CPELO_VM_MEM:-3072}" \
  -nographic -no-reboot -nodefaults -serial stdio \
  -kernel "$KDIR/vmlinuz" -initrd "$INITRD" -append "$APPEND" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$OUTDIR",mount_tag=out,security_model=none,multidevs=remap \
  </dev/null >"$OUTDIR/console.log" 2>&1
qrc=$?
set -e
t_end=$(date +%s.%N)
if [ ! -f "$OUTDIR/done" ]; then
  echo "vm-test: the VM did not finish (qemu exit $qrc, timeout ${TIMEOUT}s); console:" >&2
  tail -40 "$OUTDIR/console.log" >&2
  exit 1
fi
cat "$OUTDIR/results.jsonl"
demo_rc="$(cat "$OUTDIR/demo.rc" 2>/dev/null || echo null)"
printf '{"summary": true, "prepare_s": %.1f, "vm_s": %.1f, "demo_as_uid_1000_rc": %s, "out": "%s"}\n' \
  "$(awk "BEGIN{print $t_prep - $t0}")" "$(awk "BEGIN{print $t_end - $t_prep}")" "$demo_rc" "$OUTDIR"
n="$(grep -c '"ok": true' "$OUTDIR/results.jsonl" || true)"
want=2; [ "$MODE" = full ] && want=3
[ "$n" = "$want" ] && [ "$demo_rc" = 0 -o "$demo_rc" = null ] || { echo "vm-test: FAILED (see $OUTDIR)" >&2; exit 1; }
