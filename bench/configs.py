"""The two configurations measured: the embedded default and the scale-out deployment."""

from __future__ import annotations

from dataclasses import dataclass

from bench.report import RESULTS


@dataclass(frozen=True)
class Config:
    name: str
    title: str
    description: str
    env: dict
    daphne_processes: int

    @property
    def is_postgres(self) -> bool:
        return self.env["DATABASE_URL"].startswith("postgres")


SQLITE_PATH = RESULTS / "bench.sqlite3"
PG_URL = "postgres://postgres@127.0.0.1:5432/alliance_bench"
REDIS_URL = "redis://127.0.0.1:6379/11"

CONFIGS = {
    "embedded": Config(
        name="embedded",
        title="Embedded default: SQLite, in-memory channel layer, one daphne process",
        description="what `make run` serves",
        env={"DATABASE_URL": f"sqlite:///{SQLITE_PATH}"},
        daphne_processes=1,
    ),
    "scaleout": Config(
        name="scaleout",
        title="Scale-out: PostgreSQL, Redis channel layer, two daphne processes",
        description="what docker-compose.yml deploys (without nginx: the client spreads its "
        "connections over both processes)",
        env={
            "DATABASE_URL": PG_URL,
            "REDIS_URL": REDIS_URL,
            "CHANNEL_LAYER_PREFIX": "bench",
        },
        daphne_processes=2,
    ),
}
