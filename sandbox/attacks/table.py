"""The attack suite: one row per hostile program in ``programs/``, with the outcome that means "contained".

Every row runs its program in a fresh work dir under ``SUITE_LIMITS`` (with the row's overrides) and
names the statuses it may end with plus the checks deciding containment. Checks common to every row
(see ``suite.py``): the output never says ``ESCAPED``, never shows the planted secret, and nothing the run
started is alive afterwards. Arguments may use ``{secret_path}``, ``{tcp_port}``, ``{udp_port}``,
``{token}`` and ``{outside_path}``, filled in by the suite.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandbox.limits import Limits, MiB
from sandbox.result import Status

if TYPE_CHECKING:
    from sandbox.attacks.suite import Observation

SUITE_LIMITS = Limits(
    cpu_time=1.0,
    wall_time=10.0,  # generous: on a loaded machine a busy loop may get a third of a core
    memory=128 * MiB,
    stdout_bytes=16 * MiB,
    stderr_bytes=1 * MiB,
    processes=1,
    open_files=64,
    file_size=8 * MiB,
    disk=32 * MiB,
)

Check = Callable[["Observation"], str | None]
"""Returns why the attack was NOT contained, or None when it was."""


@dataclass(frozen=True)
class Attack:
    name: str
    source: str  # file in programs/
    expect: frozenset[Status]
    what: str  # the hostile behaviour, one line
    limits: dict[str, Any] = field(default_factory=dict)  # overrides of SUITE_LIMITS
    args: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    setuid_root: bool = False  # make the compiled program setuid root before the run

    def run_limits(self) -> Limits:
        return SUITE_LIMITS.model_copy(update=self.limits)


def _number_after(word: str, output: str) -> int | None:
    match = re.search(rf"{word} (\d+)", output)
    return int(match.group(1)) if match else None


def at_most(word: str, bound: Callable[[Limits], int]) -> Check:
    """The program reports ``<word> N``: N stays within the bound the limits imply."""

    def check(obs: Observation) -> str | None:
        value = _number_after(word, obs.output)
        limit = bound(obs.limits)
        if value is None:
            return f"program printed no '{word} N'"
        return None if value <= limit else f"'{word}' reached {value} > {limit}"

    return check


def not_in_output(*needles: str) -> Check:
    def check(obs: Observation) -> str | None:
        found = [n for n in needles if n in obs.output]
        return f"output shows {found}" if found else None

    return check


def cpu_counted(low: float) -> Check:
    def check(obs: Observation) -> str | None:
        cpu = obs.result.cpu_time
        return None if cpu >= low else f"cpu_time {cpu:.3f} s < {low} s: CPU of the tree not counted"

    return check


def killed_promptly(obs: Observation) -> str | None:
    """A CPU-time kill lands within 50 ms + 10% of the limit."""
    limit = obs.limits.cpu_time or 0.0
    cpu = obs.result.cpu_time
    if cpu < limit:
        return f"cpu_time {cpu:.3f} s below the limit {limit} s"
    return None if cpu <= limit * 1.1 + 0.05 else f"cpu_time {cpu:.3f} s overran the limit {limit} s"


def peak_within_limit(obs: Observation) -> str | None:
    peak, limit = obs.result.peak_memory, obs.limits.memory or 0
    return None if peak <= limit + 2 * MiB else f"peak memory {peak} > limit {limit}"


def host_file_absent(obs: Observation) -> str | None:
    return f"{obs.ctx.outside_path} was created on the host" if obs.ctx.outside_path.exists() else None


def no_tcp_connection(obs: Observation) -> str | None:
    return "the host's TCP listener accepted a connection" if obs.ctx.tcp_connections() else None


def no_udp_datagram(obs: Observation) -> str | None:
    return "the host's UDP socket received a datagram" if obs.ctx.udp_datagrams() else None


def sentinel_alive(obs: Observation) -> str | None:
    return None if obs.ctx.sentinel_alive() else "a host process outside the sandbox was killed"


def workdir_within_disk(obs: Observation) -> str | None:
    total = sum(p.stat().st_size for p in obs.workdir.rglob("*") if p.is_file() and not p.is_symlink())
    limit = obs.limits.disk
    return None if total <= limit + MiB else f"host work dir holds {total} bytes > disk limit {limit}"


def no_symlinks_left(obs: Observation) -> str | None:
    links = [p.name for p in obs.workdir.rglob("*") if p.is_symlink()]
    return f"symlinks copied to the host work dir: {links}" if links else None


def no_core_file(obs: Observation) -> str | None:
    cores = [p.name for p in obs.workdir.iterdir() if p.name.startswith("core")]
    return f"core files written: {cores}" if cores else None


def host_can_fork(obs: Observation) -> str | None:
    try:
        pid = os.fork()
    except OSError as exc:
        return f"the host cannot fork any more: {exc}"
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return None


def judge_memory_bounded(obs: Observation) -> str | None:
    grown = obs.judge_rss_growth
    return None if grown < 64 * MiB else f"the judge's own memory grew by {grown // MiB} MiB"


def output_counted(obs: Observation) -> str | None:
    limit = obs.limits.stdout_bytes or 0
    return None if obs.result.stdout_bytes > limit else f"stdout_bytes {obs.result.stdout_bytes} <= {limit}"


def _host_root_entries() -> list[str]:
    try:
        return [f"entry /root {name}" for name in os.listdir("/root")]
    except OSError:
        return []


def no_host_root_listing(obs: Observation) -> str | None:
    leaked = [e for e in _host_root_entries() if e in obs.output]
    return f"listed host /root: {leaked[:3]}" if leaked else None


OK = frozenset({Status.OK})
TLE = frozenset({Status.TIME_LIMIT})
MLE = frozenset({Status.MEMORY_LIMIT})

ATTACKS: tuple[Attack, ...] = (
    Attack("fork_bomb", "fork_bomb.c", TLE, "fork() forever", {"processes": 16}, checks=(host_can_fork,)),
    Attack(
        "thread_bomb",
        "thread_bomb.cpp",
        OK,
        "start 100000 threads",
        {"processes": 8},
        checks=(at_most("threads", lambda lim: lim.processes - 1),),
    ),
    Attack(
        "memory_bomb_c",
        "memory_bomb.c",
        MLE,
        "malloc and touch 16 MiB blocks forever",
        checks=(peak_within_limit,),
    ),
    Attack(
        "memory_bomb_py", "memory_bomb.py", MLE, "grow a Python list forever", checks=(peak_within_limit,)
    ),
    Attack(
        "vector_bomb", "vector_bomb.cpp", MLE, "std::vector push_back forever", checks=(peak_within_limit,)
    ),
    Attack("huge_mmap", "huge_mmap.c", MLE, "mmap 64 GiB and touch every page", checks=(peak_within_limit,)),
    Attack(
        "stack_overflow",
        "stack_overflow.c",
        frozenset({Status.MEMORY_LIMIT, Status.SIGNALED}),
        "unbounded recursion with 64 KiB frames",
        checks=(peak_within_limit,),
    ),
    Attack(
        "disk_fill_workdir",
        "disk_fill_workdir.c",
        OK,
        "write files in the work dir until refused",
        checks=(at_most("wrote", lambda lim: lim.disk), workdir_within_disk),
    ),
    Attack(
        "disk_fill_tmp",
        "disk_fill_tmp.py",
        OK,
        "write files in /tmp until refused",
        checks=(at_most("wrote", lambda lim: lim.disk),),
    ),
    Attack(
        "write_outside",
        "write_outside.c",
        OK,
        "create files in /, /etc, /usr, /root, /proc/sys, /sys and a host path",
        args=("{outside_path}",),
        checks=(host_file_absent,),
    ),
    Attack(
        "read_secrets",
        "read_secrets.c",
        OK,
        "read /etc/shadow, /root and a secret file outside the work dir",
        args=("{secret_path}",),
        checks=(not_in_output("read /etc/shadow", "root entry"), no_host_root_listing),
    ),
    Attack(
        "list_homes", "list_root.py", OK, "list /root, /home, /work, /opt", checks=(no_host_root_listing,)
    ),
    Attack("proc_environ", "proc_environ.py", OK, "read every /proc/PID/environ for the judge's secrets"),
    Attack(
        "kill_everything",
        "kill_everything.c",
        OK,
        "kill(-1), kill the parent, kill pid 1, kill every pid",
        checks=(sentinel_alive,),
    ),
    Attack(
        "tcp_connect",
        "tcp_connect.c",
        OK,
        "TCP connect to a listener on the host's loopback",
        args=("{tcp_port}",),
        checks=(no_tcp_connection,),
    ),
    Attack(
        "udp_send",
        "udp_send.py",
        OK,
        "UDP datagrams to a socket on the host's loopback",
        args=("{udp_port}",),
        checks=(no_udp_datagram,),
    ),
    Attack(
        "dns_lookup",
        "dns_lookup.py",
        OK,
        "resolve names, reach public DNS servers",
        checks=(not_in_output("resolved example.com", "resolved google.com"),),
    ),
    Attack("raw_socket", "raw_socket.c", OK, "open raw IP and packet sockets"),
    Attack("ptrace", "ptrace_attack.c", OK, "ptrace the parent, pid 1 and itself"),
    Attack("mount", "mount_attack.c", OK, "mount tmpfs, remount / writable, unmount /proc"),
    Attack(
        "unshare_setns", "unshare_setns.c", OK, "unshare/clone new namespaces (user ns), setns into pid 1's"
    ),
    Attack("clone3_namespaces", "clone3_ns.c", OK, "clone3 with CLONE_NEWUSER (flags invisible to seccomp)"),
    Attack("chroot_escape", "chroot_escape.c", OK, "chroot into a subdir and climb out"),
    Attack(
        "setuid_binary",
        "setuid_binary.c",
        OK,
        "run as a setuid-root binary, setuid(0), a setuid mount",
        {"processes": 4},
        setuid_root=True,
    ),
    Attack("infinite_loop", "infinite_loop.cpp", TLE, "spin forever", checks=(killed_promptly,)),
    Attack(
        "sleep_forever",
        "sleep_forever.py",
        frozenset({Status.IDLE_LIMIT}),
        "sleep forever",
        {"wall_time": 1.0},
    ),
    Attack(
        "daemon",
        "daemon.c",
        OK,
        "double-fork a daemon that outlives its parent",
        {"processes": 8},
        args=("{token}",),
    ),
    Attack(
        "output_flood",
        "output_flood.c",
        frozenset({Status.OUTPUT_LIMIT}),
        "write 1 GiB to stdout",
        checks=(output_counted, judge_memory_bounded),
    ),
    Attack(
        "open_files",
        "open_files.c",
        OK,
        "open files until refused",
        checks=(at_most("opened", lambda lim: lim.open_files - 3),),
    ),
    Attack("dev_mem", "dev_mem.c", OK, "open /dev/mem, block devices, the console; mknod"),
    Attack(
        "hidden_cpu",
        "hidden_cpu.c",
        OK,
        "burn 2 x 0.5 s CPU in children while the parent waits",
        {"processes": 4, "cpu_time": 2.0, "wall_time": 20.0},
        checks=(cpu_counted(0.9),),
    ),
    Attack(
        "ignore_sigterm",
        "ignore_sigterm.py",
        TLE,
        "ignore SIGTERM/SIGXCPU and spin",
        checks=(killed_promptly,),
    ),
    Attack(
        "core_dump",
        "core_dump.c",
        frozenset({Status.SIGNALED}),
        "raise RLIMIT_CORE and crash",
        checks=(no_core_file,),
    ),
    Attack(
        "pid_exhaust",
        "pid_exhaust.py",
        OK,
        "fork sleeping children until refused",
        {"processes": 16},
        checks=(at_most("forked", lambda lim: lim.processes - 1), host_can_fork),
    ),
    Attack(
        "symlink_escape",
        "symlink_escape.c",
        OK,
        "symlinks from the work dir to host files",
        args=("{secret_path}",),
        checks=(not_in_output("read via /etc/shadow"), no_symlinks_left),
    ),
    Attack(
        "kernel_apis", "kernel_apis.c", OK, "bpf, perf, keyctl, kexec, modules, swap, acct, clock, reboot"
    ),
    Attack("i386_abi", "i386_abi.c", OK, "ptrace through the 32-bit syscall ABI (int 0x80)"),
    Attack("huge_new", "huge_new.cpp", MLE, "new of 40 GB at once (more than the machine has)"),
    Attack("huge_bytearray", "huge_bytearray.py", MLE, "bytearray of 100 GB at once"),
)


def programs_dir() -> Path:
    return Path(__file__).resolve().parent / "programs"
