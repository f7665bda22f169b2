"""A small in-process token bucket per client: how many tries a client has left, and when.

It counts in one process only: under gunicorn with W workers a client gets up to W times the
allowance (still a bound, which is what slows guessing down). Memory stays bounded: when more
than ``max_clients`` are tracked, the ones whose bucket has refilled are forgotten.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Callable

__all__ = ["TokenBucket"]


class TokenBucket:
    """``capacity`` tries per client, refilled evenly over ``per_seconds``."""

    def __init__(
        self,
        capacity: int,
        per_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.capacity = capacity
        self.rate = capacity / per_seconds
        self.clock = clock
        self.max_clients = max_clients
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)

    def _tokens(self, client: str, now: float) -> float:
        tokens, when = self._buckets.get(client, (float(self.capacity), now))
        return min(float(self.capacity), tokens + (now - when) * self.rate)

    def retry_after(self, client: str) -> int:
        """0 when the client may try now, else the whole seconds until it may."""
        with self._lock:
            missing = 1.0 - self._tokens(client, self.clock())
        return 0 if missing <= 0 else max(1, math.ceil(missing / self.rate))

    def take(self, client: str) -> None:
        """Use up one try of the client's."""
        with self._lock:
            now = self.clock()
            self._buckets[client] = (max(0.0, self._tokens(client, now) - 1.0), now)
            if len(self._buckets) > self.max_clients:
                self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        full = [c for c in self._buckets if self._tokens(c, now) >= self.capacity]
        for client in full:
            del self._buckets[client]
