"""Results: one JSON file per configuration in bench/results/, one Markdown table in
docs/PERFORMANCE.md (between markers, so the prose around it is kept)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The smoke test of `make test` writes elsewhere, so it never overwrites a real run.
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
DOC = ROOT / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _command_version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=5).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "absent"


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(meminfo) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": version("django"),
        "channels": version("channels"),
        "channels_redis": version("channels-redis"),
        "daphne": version("daphne"),
        "websockets": version("websockets"),
        "postgresql": _command_version(["psql", "--version"]),
        "redis": _command_version(["redis-server", "--version"]),
    }


def save(config: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{config}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def merge_partial(previous: dict | None, payload: dict, scenarios: set[str], order: list) -> dict:
    """A run of some scenarios only (`--only`) replaces their rows in the configuration's last
    results and keeps the others, saying which scenarios were re-run and when."""
    if not previous:
        return payload
    kept = [r for r in previous.get("rows", []) if r.get("run") not in scenarios]
    rows = sorted(kept + payload["rows"], key=lambda r: order.index(r.get("run", order[0])))
    when = payload["finished_at"]
    cpu = payload.get("machine", {}).get("cpu")
    if cpu != previous.get("machine", {}).get("cpu"):  # the table's machine line is not this one
        when += f" on another machine ({cpu})"
    reruns = {**previous.get("reruns", {}), **dict.fromkeys(sorted(scenarios), when)}
    details = {**previous.get("details", {}), **payload["details"]}
    failed = {
        **{
            k: v
            for k, v in previous.get("details", {}).get("failed", {}).items()
            if k not in scenarios
        },
        **payload["details"].get("failed", {}),
    }
    details.pop("failed", None)
    if failed:
        details["failed"] = failed
    return {**previous, "rows": rows, "details": details, "reruns": reruns}


def result_of_run(previous: dict | None, payload: dict, done: list[str], order: list[str]) -> dict:
    """What a run leaves in its configuration's results once the scenarios `done` are measured
    (`order`: every scenario, in the table's order). A run that measured them all stands alone;
    a run of some of them (`--only`), or one stopped midway, replaces the rows of those it
    measured and keeps the others from `previous`."""
    if done == order:
        return payload
    return merge_partial(previous, payload, set(done), order)


def load(config: str) -> dict | None:
    path = RESULTS / f"{config}.json"
    return json.loads(path.read_text()) if path.exists() else None


def load_all() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def _machine_line(machine: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in machine.items())


def markdown(results: dict[str, dict]) -> str:
    lines = []
    first_machine = next(iter(results.values())).get("machine", {}) if results else {}
    for config, payload in results.items():
        lines.append(f"### {payload.get('title', config)}\n")
        lines.append(f"Run {payload.get('finished_at', '?')}; {payload.get('description', '')}\n")
        if payload.get("machine", {}) != first_machine:
            lines.append(f"Machine of this run: {_machine_line(payload.get('machine', {}))}\n")
        reruns = payload.get("reruns")
        if reruns:
            again = ", ".join(f"{name} at {when}" for name, when in reruns.items())
            lines.append(f"Scenarios run again on their own since: {again}.\n")
        failed = payload.get("details", {}).get("failed")
        if failed:
            stopped = ", ".join(f"{name} ({error})" for name, error in failed.items())
            lines.append(
                f"The last run stopped in: {stopped}; the rows of that scenario are older.\n"
            )
        lines.append("| scenario | measure | value | baseline | ratio | target | met |")
        lines.append("|---|---|---|---|---|---|---|")
        for row in payload.get("rows", []):
            met = row.get("met")
            lines.append(
                "| {scenario} | {measure} | {value} | {baseline} | {ratio} | {target} | {met} |".format(
                    scenario=row["scenario"],
                    measure=row["measure"],
                    value=_fmt(row.get("value", "")),
                    baseline=_fmt(row.get("baseline", "")),
                    ratio=_fmt(row.get("ratio", "")),
                    target=row.get("target", ""),
                    met={True: "yes", False: "**no**", None: ""}[met],
                )
            )
        lines.append("")
    if results:
        lines.append("Machine: " + _machine_line(first_machine))
    return "\n".join(lines)


def write_doc(results: dict[str, dict]) -> None:
    table = f"{BEGIN}\n{markdown(results)}\n{END}"
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + table + tail
    else:
        text += "\n" + table + "\n"
    DOC.write_text(text)
