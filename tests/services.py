"""`python -m tests.services`: are PostgreSQL and Redis reachable at DATABASE_URL / REDIS_URL?

Exit 0 when both answer, 1 with a clear message otherwise. `make test` uses it to decide
whether the PostgreSQL + Redis run can take place.
"""

import os
import socket
import sys
from urllib.parse import urlparse


def postgres_reachable(url: str) -> str | None:
    import psycopg

    parts = urlparse(url)
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return None
    except Exception as exc:
        return f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc})"


def redis_reachable(url: str) -> str | None:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=3
        ) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return "Redis answered something other than PONG"
    except OSError as exc:
        return f"Redis is not reachable at {parts.hostname}:{parts.port or 6379} ({exc})"
    return None


def main() -> int:
    problems = [
        p
        for p in (
            postgres_reachable(os.environ["DATABASE_URL"]),
            redis_reachable(os.environ["REDIS_URL"]),
        )
        if p
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
