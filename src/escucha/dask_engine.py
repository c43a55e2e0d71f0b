"""Running a function over partitions on Dask: a `LocalCluster` of worker processes, or a
remote scheduler. Dask is an optional extra (`pip install 'escucha[dask]'`), imported only here.

The client keeps a bounded number of partitions in flight (so memory stays flat however many
there are) and hands each result to `on_result` in this process as it arrives; escucha writes
to its store only from here, never from a worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from escucha.errors import UserError

IN_FLIGHT_PER_WORKER = 2  # partitions queued per worker: none waits, memory stays bounded

# Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, so glibc hands freed heap back
# to the kernel at every turn; reading posts allocates and frees many small objects, and with it
# a worker spent as much CPU in the kernel as in the models (2.2x the CPU per post of the same
# code in an ordinary process, measured at 40,000 posts). Our workers keep glibc's default.
WORKER_ENVIRON = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def require_dask() -> None:
    """One line naming the extra when Dask is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UserError(
            "--engine dask needs Dask: pip install 'escucha[dask]' (the 'dask' extra)"
        ) from None


def run_partitions(
    task: Callable[..., Any],
    common: tuple[Any, ...],
    parts: Iterable[tuple[Any, ...]],
    on_result: Callable[[Any], None],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> None:
    """Call `task(*common, *part)` on the cluster for every part; results go to `on_result`
    (in completion order). `task` must be importable by the workers (a module function)."""
    require_dask()
    import logging

    import dask
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        with dask.config.set(WORKER_ENVIRON):
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
    try:
        client = Client(cluster if cluster is not None else scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        todo: Iterator[tuple[Any, ...]] = iter(parts)
        window = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))

        def submit() -> Any:
            part = next(todo, None)
            return None if part is None else client.submit(task, *common, *part, pure=False)

        running = as_completed([f for f in (submit() for _ in range(window)) if f is not None])
        for future in running:
            result = future.result()
            future.release()
            on_result(result)
            following = submit()
            if following is not None:
                running.add(following)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
