"""How the per-file work runs: in this process, in a local process pool (``--jobs``), or on a Dask
cluster (``--scheduler``).

An executor takes a picklable module-level function and an iterable of tasks and yields the
function's results as they complete (in completion order: the caller places them by the index each
result carries, so the dataset never depends on timing). Executors never write outputs: the parent
process does (DESIGN.md). Tasks are submitted in a bounded window (a few per worker), so the parent
never holds the bytes of the whole corpus at once.
"""

from __future__ import annotations

import gc
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = ["DaskExecutor", "Executor", "InProcessExecutor", "ProcessPoolExecutor", "cpu_count", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")

_WINDOW_PER_WORKER = 4  # tasks in flight per worker: enough to keep it busy, little memory


def cpu_count() -> int:
    """The number of CPUs this process may run on (the default of ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class Executor(ABC):
    """Runs ``fn`` over tasks; use as a context manager (``close`` releases workers/connections)."""

    workers: int = 1
    forks_workers: bool = False
    """True while workers may still be forked from this process (a ``fork`` pool before its first
    result): until then the caller must not load polars or DuckDB (their thread pools)."""

    @abstractmethod
    def run(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for every task, in completion order. An exception raised by ``fn``
        (a bug: the pipeline's per-file function reports bad input as rows) is re-raised here."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Release the workers (or the connection to the cluster)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Runs every task here, one after the other (``--jobs 1``, or a single file)."""

    def run(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        previous = gc.get_threshold()
        gc.set_threshold(*_GC_THRESHOLD)  # restored after the run: this is the caller's process
        try:
            for task in tasks:
                yield fn(task)
        finally:
            gc.set_threshold(*previous)


class ProcessPoolExecutor(Executor):
    """A local pool of ``jobs`` worker processes (``concurrent.futures``).

    Workers are forked from this process when it has not loaded polars or DuckDB yet (the CLI's
    case: a worker then starts in milliseconds, with planparse already imported); otherwise they are
    forked from a *forkserver* that imports planparse once, because a fork would inherit the thread
    pools of polars / DuckDB half-initialised (a known cause of deadlocks). As with any
    ``multiprocessing`` start method but fork, a script calling ``extract(jobs=…)`` then needs the
    ``if __name__ == "__main__":`` guard. Each worker runs polars single-threaded (the pool is the
    parallelism). Raises ``ValueError`` when ``jobs < 1``.
    """

    def __init__(self, jobs: int) -> None:
        import concurrent.futures
        import multiprocessing

        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods and "polars" not in sys.modules and "duckdb" not in sys.modules:
            from planparse.parsers import preload

            preload()  # the formats' reading modules, imported once here rather than in every worker
            ctx = multiprocessing.get_context("fork")
        elif "forkserver" in methods:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["planparse.pipeline"])
        else:  # pragma: no cover - Windows
            ctx = multiprocessing.get_context("spawn")
        self.workers = jobs
        self.start_method = ctx.get_start_method()
        self.forks_workers = self.start_method == "fork"  # all of them at the first task (3.11+)
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                                            initializer=_init_worker,
                                                            initargs=(os.getpid() if self.forks_workers else None,))

    def run(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        import concurrent.futures

        pending: set[concurrent.futures.Future] = set()
        source = iter(tasks)
        window = self.workers * _WINDOW_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                task = next(source, _END)
                if task is _END:
                    exhausted = True
                    break
                pending.add(self._pool.submit(fn, task))
            if not pending:
                return
            done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Runs the tasks on an existing Dask distributed cluster (``dask scheduler`` and ``dask worker
    ADDRESS`` processes; every worker must have planparse installed, of the same version).

    Input: the scheduler's address (``tcp://host:8786``) or a ``distributed.Client``-compatible
    cluster object (e.g. a ``LocalCluster``). Tasks carry the file's bytes, so the workers need not
    see the parent's file system. Raises ``ImportError`` with an install hint when Dask is missing
    (``pip install 'planparse[dask]'``) and ``ConnectionError`` when the scheduler cannot be reached
    within ``timeout`` seconds.
    """

    def __init__(self, address: object, *, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the extra is installed for the tests
            raise ImportError("--scheduler needs Dask: pip install 'planparse[dask]'") from exc
        try:
            self._client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                                  f"({type(exc).__name__}: {exc})") from exc
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()))

    def run(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        from distributed import as_completed

        source = iter(tasks)
        window = self.workers * _WINDOW_PER_WORKER
        first = [self._client.submit(fn, t, pure=False) for t in _take(source, window)]
        if not first:
            return
        queue = as_completed(first)
        for future in queue:
            result = future.result()
            future.release()
            for task in _take(source, 1):
                queue.add(self._client.submit(fn, task, pure=False))
            yield result

    def close(self) -> None:
        self._client.close()


_END = object()


# Parsing a document allocates many small containers that live until the document is done; with
# Python's default generation-0 threshold (700) the cyclic collector runs every few hundred of them and
# re-scans the survivors: ~5 % of a run's CPU time here. It still runs, 70× less often; reference
# counting frees everything else as before, and memory stays bounded (one document at a time).
_GC_THRESHOLD = (50_000, 20, 20)


def _init_worker(parent: int | None = None) -> None:
    """In each pool worker, before polars is imported there: one polars thread per process; the
    collector tuned for parsing (``_GC_THRESHOLD``), with the objects inherited or imported so far
    frozen out of its scans (``gc.freeze``); ended by the kernel when its parent dies (``parent``:
    the pid of the process that forks the workers, when they are forked from it, else None)."""
    os.environ["POLARS_MAX_THREADS"] = "1"
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLD)
    _die_with_parent(parent)


def _die_with_parent(parent: int | None) -> None:
    """On Linux, ask the kernel to end this worker when the process that started it dies (a run
    killed with SIGKILL would otherwise leave its workers waiting on their pipe forever); and end
    now if ``parent`` (the expected parent's pid, when known) is gone already. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl: keep the old behaviour
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _take(source: Iterator[T], n: int) -> list[T]:
    out = []
    for _ in range(n):
        item = next(source, _END)
        if item is _END:
            break
        out.append(item)
    return out


def make_executor(*, jobs: int | None = None, scheduler: object | None = None, tasks: int | None = None) -> Executor:
    """The executor for a run: Dask when ``scheduler`` is given; else a process pool of ``jobs``
    workers (None: ``cpu_count()``), capped by the number of ``tasks``; in process when that leaves
    one worker (a pool would only add its start-up time). Raises ``ValueError`` for ``jobs < 1``."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    jobs = cpu_count() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if tasks is not None:
        jobs = min(jobs, tasks)
    return ProcessPoolExecutor(jobs) if jobs > 1 else InProcessExecutor()
