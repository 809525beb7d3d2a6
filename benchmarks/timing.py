"""Shared by the benchmarks: medians of repeated runs (this machine is noisy)."""

import statistics
import time


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
