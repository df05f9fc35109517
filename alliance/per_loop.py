"""State kept per running event loop.

Each test runs its own event loop, and daphne one per process: what holds futures or tasks of a
loop (a vote queue, the tally relays, the coalescer, the shared state reads) must not be reached
from another loop, and goes when its loop goes."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    """`PerLoop(factory).get()` is this loop's value, made by `factory()` on first use."""

    def __init__(self, factory: Callable[[], T]):
        self._factory = factory
        self._by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        value = self._by_loop.get(loop)
        if value is None:
            value = self._by_loop[loop] = self._factory()
        return value

    def values(self) -> list[T]:
        """Every loop's value (for tests)."""
        return list(self._by_loop.values())
