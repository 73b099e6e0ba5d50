"""Heavy work run one job at a time per worker process, behind a bounded queue.

A few requests cost far more than the rest: a password check (Argon2id, about 0.1 s of CPU
and 64 MB by design) and reading a description with the spaCy pipeline (some 10 to 30 ms per
1,000 characters). Left on the shared thread pool without bound, a crowd of them takes the
threads and the core that every other request needs, and a small request waits behind all
of them: 16 parallel extractions of 60,000 characters kept a small one waiting 15 s instead
of 6 ms (issue 15, finding 9). So each kind of heavy work has a queue of its own
(:class:`WorkQueue`): one job at a time, on a worker thread so the event loop keeps
answering, and a limit on the work queued (waiting or running, counted in the queue's own
unit: jobs, or characters to read), past which a request is refused at once (:class:`Busy`,
answered 503 with ``Retry-After``) instead of joining a queue that would keep it waiting
without bound. The last ``reserve`` units of the limit are kept for small jobs (no larger
than the reserve), so that a crowd of large ones cannot shut out a small one: it still gets
in, and waits for no more than the large ones already queued. Deciding costs a comparison,
so refusals come before any database, password or text work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")


class Busy(Exception):
    """The queue is full: the request is refused now; ``retry_after`` seconds is a fair wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class WorkQueue:
    """One kind of heavy work in one process: at most ``limit`` units of it queued (a job
    larger than ``reserve``: at most ``limit - reserve``), one job running at a time.
    ``busy`` is what a refused caller is told."""

    def __init__(self, limit: int, busy: str, retry_after: int = 2, reserve: int = 0) -> None:
        self.limit = limit
        self.busy = busy
        self.retry_after = retry_after
        self.reserve = reserve
        self.queued = 0  # units waiting or running; touched only on the event loop
        self._one_at_a_time = anyio.CapacityLimiter(1)

    def full(self, cost: int = 1) -> bool:
        """Whether ``cost`` more units would pass the limit (for a large job, the limit less
        the reserve)."""
        return self.queued + cost > self.limit - (self.reserve if cost > self.reserve else 0)

    def check(self, cost: int = 1) -> None:
        """Raise :class:`Busy` when ``cost`` more units would pass the limit."""
        if self.full(cost):
            raise Busy(self.busy, self.retry_after)

    async def run(self, fn: Callable[..., T], *args: Any, cost: int = 1) -> T:
        """``fn(*args)`` on a worker thread once the jobs before it are done. Counted as
        queued from this call until it has finished (a caller that goes away does not stop
        its thread, so the work is still there). :meth:`check` just before, with no
        ``await`` between, makes the limit exact: the event loop runs nothing in between."""
        self.queued += cost
        try:
            return await anyio.to_thread.run_sync(lambda: fn(*args), limiter=self._one_at_a_time)
        finally:
            self.queued -= cost
