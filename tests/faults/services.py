"""The harness's own services: a private PostgreSQL cluster, a private Redis and daphne
processes, each on a free port, so that a fault never disturbs anything else on the machine
(the shared PostgreSQL on 5432 and Redis on 6379 are never touched)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import PROJECT_ROOT, DaphneServer, free_port

SETTINGS = "alliance.test_settings"


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def wait_until(check, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout} s")


def port_open(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PrivatePostgres:
    """A throwaway cluster in a temporary directory. Run as the `postgres` system user when
    the harness runs as root (initdb refuses root)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="alliance-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self.options = options
        self.start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True, cwd=self.root)

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "30",
            "-o",
            self.options,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str, template: str = "template0") -> None:
        self._run(
            "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-T",
            template,
            name,
        )

    def destroy(self) -> None:
        try:
            if self.running():
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """A redis-server without persistence: a restart loses everything, group memberships
    included, as a real Redis restarted without a dump would."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), timeout=10, what="redis-server start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # abrupt: connections drop as in a crash
            self.process.wait(timeout=10)
        self.process = None


def django_env(postgres: PrivatePostgres, redis: PrivateRedis, database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": postgres.url(database),
        "REDIS_URL": redis.url,
        "CHANNEL_LAYER_PREFIX": "faults",
        "CACHE_KEY_PREFIX": "faults-cache",
        "DATABASE_POOL_SIZE": "10",  # as the scale-out deployment (docker-compose.yml)
    }


def manage(env: dict, *args: str, timeout: float = 120) -> dict | None:
    """Run `python -m tests.faults.setup ARGS` (Django against the private services); it prints
    one JSON document."""
    completed = subprocess.run(
        [sys.executable, "-m", "tests.faults.setup", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"setup {args} failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


class Daphne(DaphneServer):
    def __init__(self, env: dict):
        super().__init__(free_port(), env)

    def kill9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return (PROJECT_ROOT / f".daphne-{self.port}.log").read_text(errors="replace")


def http(
    method: str, url: str, *, token=None, body=None, cookie=None, language="fr", timeout: float = 15
) -> tuple[int, dict, str]:
    """(status, headers, text) of one request; errors are answers too."""
    import urllib.error
    import urllib.request

    headers = {"Accept-Language": language}
    data = None
    if token:
        headers["Authorization"] = f"Token {token}"
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
