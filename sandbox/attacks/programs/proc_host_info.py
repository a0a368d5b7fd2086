# Read what /proc tells about the host rather than the run: its kernel command line and config, kernel
# memory and symbols, keys, scheduler and timer state, the boot id, and host paths in mountinfo.
import os

PATHS = (
    "/proc/cmdline", "/proc/config.gz", "/proc/kcore", "/proc/keys", "/proc/key-users", "/proc/sched_debug",
    "/proc/timer_list", "/proc/kallsyms", "/proc/modules", "/proc/iomem", "/proc/vmallocinfo",
    "/proc/sys/kernel/random/boot_id", "/proc/sys/kernel/hostname", "/proc/version", "/proc/cpuinfo",
    "/proc/meminfo", "/proc/mounts", "/proc/partitions", "/proc/swaps",
)  # fmt: skip
for path in PATHS:
    try:
        with open(path, "rb") as f:
            data = f.read(4096)
    except OSError as exc:
        print("blocked", path, exc.strerror)
        continue
    if data.strip():
        print("ESCAPED read", path, data[:120].decode(errors="replace").replace("\n", " | "))
    else:
        print("empty", path)
try:
    with open("/proc/sysrq-trigger", "w") as f:
        f.write("h")
    print("ESCAPED wrote /proc/sysrq-trigger")
except OSError as exc:
    print("blocked sysrq-trigger", exc.strerror)
print(os.listdir("/proc"))
for line in open("/proc/self/mountinfo"):
    print("mountinfo", line.rstrip())
