"""Checks deciding whether an attack was contained: each returns why it was NOT, or None."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from sandbox.attacks.attack import Check, Observation
from sandbox.limits import Limits, MiB


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


def in_output(*needles: str) -> Check:
    """An honest behaviour worked: its output shows every needle."""

    def check(obs: Observation) -> str | None:
        missing = [n for n in needles if n not in obs.output]
        why = obs.result.message or obs.result.status.value
        return f"output lacks {missing} ({why})" if missing else None

    return check


def stdin_unnamed(obs: Observation) -> str | None:
    path = obs.ctx.stdin_path
    named = [n for n in (path.name, path.parent.name, "problem-bait") if n in obs.output]
    return f"stdin names the test file: {named}" if named else None


def _host_file(path: str) -> str:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def host_identity_hidden(obs: Observation) -> str | None:
    """Neither the host's boot id nor its kernel command line reach the program."""
    paths = ("/proc/sys/kernel/random/boot_id", "/proc/cmdline")
    leaked = [p for p in paths if (v := _host_file(p)) and v in obs.output]
    return f"host {leaked} visible" if leaked else None


def socket_memory_charged(obs: Observation) -> str | None:
    """Bytes the program parked in socket buffers count in its peak memory."""
    parked = _number_after("parked", obs.output)
    if parked is None:
        return f"program printed no 'parked N' ({obs.result.status.value})"
    if parked == 0:
        return "nothing parked: the run's loopback does not work (the check would prove nothing)"
    peak = obs.result.peak_memory
    if parked <= peak + 4 * MiB:
        return None
    return f"parked {parked // MiB} MiB in socket buffers, peak memory says {peak // MiB} MiB"
