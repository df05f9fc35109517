"""Start and measure the processes under test: daphne servers and baseline servers.

Servers are pinned to core 0 and the load client to core 1 where the machine has two cores,
so that the client's own work does not steal the server's CPU (its CPU is reported apart).
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import RESULTS

ROOT = Path(__file__).resolve().parent.parent

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# Read once, before this process pins itself to the client's cores: read after, the server
# would be pinned to the client's core.
MACHINE_CORES = sorted(os.sched_getaffinity(0))


def cores() -> list[int]:
    return MACHINE_CORES


def server_cores() -> list[int]:
    return cores()[:1] if len(cores()) > 1 else cores()


def client_cores() -> list[int]:
    return cores()[1:] if len(cores()) > 1 else cores()


def pin_self_to_client_cores() -> None:
    os.sched_setaffinity(0, client_cores())


def raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


@dataclass
class CpuSample:
    at: float
    ticks: int


@dataclass
class Server:
    """A server process; `rss()` and `cpu_since()` read /proc."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path
    samples: list[CpuSample] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss(self) -> int:
        with open(f"/proc/{self.pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE

    def cpu_ticks(self) -> int:
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    def mark_cpu(self) -> CpuSample:
        sample = CpuSample(time.monotonic(), self.cpu_ticks())
        self.samples.append(sample)
        return sample

    def cpu_share_since(self, sample: CpuSample) -> float:
        """Share of one core used since `sample` (0.0 to 1.0)."""
        elapsed = time.monotonic() - sample.at
        return (self.cpu_ticks() - sample.ticks) / CLK_TCK / elapsed if elapsed > 0 else 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, argv: list[str], env: dict, port: int) -> Server:
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / f"{name}-{port}.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        ["taskset", "-c", ",".join(map(str, server_cores())), *argv],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=raise_fd_limit,
    )
    server = Server(name, port, process, log_path)
    try:
        wait_for_port(port, process)
    except RuntimeError:
        server.stop()
        raise RuntimeError(f"{name} did not start; see {log_path}") from None
    return server


def start_daphne(name: str, env: dict, asgi: str = "bench.asgi:application") -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), asgi]
    return start(name, argv, env, port)


def start_python(name: str, module: str, env: dict | None = None) -> Server:
    port = free_port()
    return start(name, [sys.executable, "-m", module, str(port)], env or {}, port)


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
