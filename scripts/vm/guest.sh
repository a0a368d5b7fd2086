#!/bin/bash
# PID 1 of the test VM (see scripts/vm-test.sh): the host's files under a tmpfs overlay, cgroup v2 only.
# Sets the machine up as a systemd host would (controllers enabled at the root, a subtree delegated to
# uid 1000 like Delegate=yes), then runs scripts/vm/guest.py once per configuration into /out.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs shm /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# A fresh tmpfs on /tmp, /run and /var/tmp for the guest's own files. What the host keeps under them
# that the test needs (the checkout itself, when CI clones into /tmp) is bound back at the same path.
KEEP=()
for p in "$(arg cpelo.repo)" "$(arg cpelo.runners)" "$(arg cpelo.prebuilt)"; do
  case "$p" in /tmp/*|/run/*|/var/tmp/*) KEEP+=("$p") ;; esac
done
for i in "${!KEEP[@]}"; do mkdir -p "/mnt/keep$i" && mount --bind "${KEEP[$i]}" "/mnt/keep$i"; done
for d in /tmp /run /var/tmp; do mount -t tmpfs -o mode=1777 tmp "$d"; done
for i in "${!KEEP[@]}"; do mkdir -p "${KEEP[$i]}" && mount --move "/mnt/keep$i" "${KEEP[$i]}"; done
BOOT_S="$(cut -d' ' -f1 /proc/uptime)"
REPO="$(arg cpelo.repo)"
MODE="$(arg cpelo.mode)"
OUT=/out/results.jsonl
touch "$OUT" && chmod 666 "$OUT"  # every configuration's user appends its line
log() { echo "cpelo-vm: $*" >/dev/console; }
finish() { sync; echo o >/proc/sysrq-trigger; sleep 30; }
trap finish EXIT
hostname cpelo-vm
ip link set lo up 2>/dev/null || busybox ip link set lo up
log "booted in ${BOOT_S}s; cgroup: $(stat -fc %T /sys/fs/cgroup), controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"

# As systemd does at boot: the controllers enabled for the first level.
echo "+cpu +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
# The user: uid 1000 with a home, as on a workstation.
echo "tester:x:1000:1000:tester:/home/tester:/bin/bash" >>/etc/passwd
echo "tester:x:1000:" >>/etc/group
mkdir -p /home/tester && chown 1000:1000 /home/tester
# Delegate=yes for uid 1000: its subtree, the subtree's own control files, and a leaf for its processes.
D=/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service
mkdir -p "$D/app.slice/session.scope"
echo "+cpu +memory +pids" >/sys/fs/cgroup/user.slice/cgroup.subtree_control
echo "+cpu +memory +pids" >/sys/fs/cgroup/user.slice/user-1000.slice/cgroup.subtree_control
chown 1000:1000 "$D" "$D"/cgroup.procs "$D"/cgroup.subtree_control "$D"/cgroup.threads
chown -R 1000:1000 "$D/app.slice"

# The shared venv's interpreter may live under /root (0700 on the CI machines): uid 1000 must reach it.
chmod o+x /root
PY="$REPO/.venv/bin/python"
# The runner the host built (same sources, so the same cache key) for each user's sandbox cache.
for home in /root /home/tester; do
  mkdir -p "$home/.cache/cpelo/sandbox"
  cp "$(arg cpelo.runners)"/runner-* "$home/.cache/cpelo/sandbox/" 2>/dev/null
done
chown -R 1000:1000 /home/tester
# The host's native builds and reference results, writable by every configuration's user.
cp -r "$(arg cpelo.prebuilt)" /tmp/cpelo-vm-prebuilt && chmod -R a+rwX /tmp/cpelo-vm-prebuilt
export REPO MODE BOOT_S OUT PY
guest() {  # guest HOME LABEL: one configuration's JSON line
  env -i PATH="$PATH" PYTHONPATH="$REPO" LANG=C.UTF-8 HOME="$1" \
    "$PY" "$REPO/scripts/vm/guest.py" --mode "$MODE" --boot-s "$BOOT_S" --out "$OUT" --label "$2"
}
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }
cd "$REPO"
log "root, cgroup v2"
guest /root root 2>>/out/guest-root.log
log "uid 1000, delegated cgroup subtree"
(
  echo $BASHPID >"$D/app.slice/session.scope/cgroup.procs"
  as_user bash -c "$(declare -f guest); guest /home/tester delegated"
) 2>>/out/guest-delegated.log
if [ "$MODE" = full ]; then
  # The host's tests/sandbox/test_rootless.py covers rootless without a cgroup already (on cgroup v1).
  log "uid 1000, no delegated cgroup"
  as_user bash -c "$(declare -f guest); guest /home/tester plain" 2>>/out/guest-plain.log
  log "make demo as uid 1000 (in its delegated cgroup)"
  touch "$REPO/.venv/.installed"  # the shared venv is installed: no pip (and no network) in here
  (
    echo $BASHPID >"$D/app.slice/session.scope/cgroup.procs"
    exec setpriv --reuid=1000 --regid=1000 --clear-groups env -i XDG_CACHE_HOME=/tmp/cpelo-vm-prebuilt/xdg \
      PATH="$PATH" HOME=/home/tester PYTHONPATH="$REPO" bash -c "cd '$REPO' && make demo"
  ) >/out/demo.log 2>&1
  echo "$?" >/out/demo.rc
fi
touch /out/done
