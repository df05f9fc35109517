"""Read PrefLib ordinal files (`.soi`, `.toc`): `# KEY: value` header lines, then
`N: a,b,{c,d}` lines meaning N voters ranked a, then b, then c and d tied."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import CountingError

_TOKEN = re.compile(r"\{([^}]*)\}|([^,{}]+)")


@dataclass(frozen=True)
class PreflibElection:
    title: str
    alternatives: dict[int, str]  # number -> name
    ballots: tuple[tuple[int, tuple[int | frozenset[int], ...]], ...]  # (count, ranking)

    @property
    def options(self) -> tuple[int, ...]:
        return tuple(sorted(self.alternatives))


def _position(braced: str | None, single: str | None) -> int | frozenset[int]:
    if braced is not None:
        return frozenset(int(x) for x in braced.split(",") if x.strip())
    return int(single)  # type: ignore[arg-type]


def parse_preflib(text: str) -> PreflibElection:
    """Parse an ordinal PrefLib file; raises `CountingError("invalid_file")` on a bad line."""
    title, alternatives = "", {}
    ballots = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            key, value = key.strip(), value.strip()
            if key == "TITLE":
                title = value
            elif key.startswith("ALTERNATIVE NAME "):
                alternatives[int(key.removeprefix("ALTERNATIVE NAME "))] = value
            continue
        count, sep, body = line.partition(":")
        try:
            if not sep:
                raise ValueError
            ranking = tuple(
                pos
                for braced, single in _TOKEN.findall(body.replace(" ", ""))
                if (pos := _position(braced or None, single or None)) != frozenset()
            )
            ballots.append((int(count), ranking))
        except ValueError:
            raise CountingError("invalid_file", f"line {number}: {raw!r}", line=number) from None
    return PreflibElection(title, alternatives, tuple(ballots))
