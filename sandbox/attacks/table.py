"""The attack suite: one row per hostile program in ``programs/``, with the outcome that means "contained".

Every row runs its program in a fresh work dir under ``SUITE_LIMITS`` (with the row's overrides) and
names the statuses it may end with plus the checks deciding containment. Checks common to every row
(see ``suite.py``): the output never says ``ESCAPED``, never shows the planted secret, and nothing the run
started is alive afterwards. Arguments may use ``{secret_path}``, ``{tcp_port}``, ``{udp_port}``,
``{token}`` and ``{outside_path}``, filled in by the suite.
"""

from __future__ import annotations

from sandbox.attacks.attack import Attack
from sandbox.attacks.checks import (
    at_most,
    cpu_counted,
    host_can_fork,
    host_file_absent,
    host_identity_hidden,
    in_output,
    judge_memory_bounded,
    killed_promptly,
    no_core_file,
    no_host_root_listing,
    no_symlinks_left,
    no_tcp_connection,
    no_udp_datagram,
    not_in_output,
    output_counted,
    peak_within_limit,
    sentinel_alive,
    socket_memory_charged,
    stdin_unnamed,
    workdir_within_disk,
)
from sandbox.result import Status

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
    Attack(
        "socket_families",
        "socket_families.c",
        OK,
        "open vsock, netlink, packet, MPTCP, SCTP, alg... sockets (TCP/UDP/unix must still work)",
        checks=(in_output("allowed 6"),),
    ),
    Attack(
        "proc_host_info",
        "proc_host_info.py",
        OK,
        "read /proc's host files: cmdline, config.gz, kcore, keys, kallsyms, boot_id, sysrq-trigger...",
        checks=(host_identity_hidden, not_in_output("host-only", ".cache/cpelo")),
    ),
    Attack(
        "stdin_name",
        "stdin_name.py",
        OK,
        "learn the test's file name from /proc/self/fd/0",
        stdin_file=True,
        checks=(stdin_unnamed, in_output("input 1 2 3")),
    ),
    Attack(
        "cross_run_network",
        "netns_probe.py",
        OK,
        "see another run's TIME_WAIT socket (/proc/net/tcp) and reach its abstract unix socket",
        {"wall_time": 10.0},
        args=("{free_port}", "{token}"),
        companion="netns_companion.py",
        checks=(in_output("own loopback works"),),
    ),
    Attack(
        "tcp_buffers",
        "tcp_park.c",
        frozenset({Status.OK, Status.MEMORY_LIMIT}),
        "park hundreds of MiB in loopback TCP buffers from 4 processes",
        {"processes": 8, "cpu_time": 4.0, "wall_time": 20.0},
        checks=(socket_memory_charged,),
    ),
    Attack(
        "udp_buffers",
        "udp_park.py",
        frozenset({Status.OK, Status.MEMORY_LIMIT}),
        "park datagrams in 28 loopback UDP receive queues of 64 MiB each",
        {"cpu_time": 4.0, "wall_time": 20.0},
        checks=(socket_memory_charged,),
    ),
    Attack(
        "usr_local",
        "usr_local.py",
        OK,
        "list and read what the host installed under /usr/local (site-packages, CUDA...)",
    ),
    Attack(
        "dev_stdout",
        "dev_stdout.py",
        OK,
        "an honest program using /dev/stdin, /dev/stdout and /dev/stderr",
        stdin_file=True,
        checks=(in_output("via /dev/stdout: 6 bytes of input"),),
    ),
)


# Attacks harmless to the host when they succeed: without isolation (the unconfined backend) each gets
# through, which proves its checks are not vacuous (the negative control of `cpelo sandbox selftest`).
UNCONFINED_CONTROLS: tuple[str, ...] = (
    "read_secrets",
    "list_homes",
    "proc_environ",
    "tcp_connect",
    "udp_send",
    "symlink_escape",
    "raw_socket",
    "socket_families",
    "proc_host_info",
    "stdin_name",
    "cross_run_network",
    "tcp_buffers",
    "udp_buffers",
    "usr_local",
)
