#!/usr/bin/env python3
"""The original Python benchmark's baseline, for ShmBench's `queue` to be compared with.

The parent puts float64 NumPy arrays on a multiprocessing.Queue, one array after another
(pickled by the queue's feeder thread, through a pipe); a child process gets them and checks
each one's index only. arrays/s = arrays / (first put to the child's last get), after a
warm-up run. Usage: python3 reference/mp_queue.py [COUNT [ELEMENTS [RUNS]]]
(default: 20000 arrays of 1024 float64 = 8 KiB, 3 runs). Needs numpy (Debian: python3-numpy).
"""
import multiprocessing as mp
import sys
import time

import numpy as np


def consume(queue, done, count):
    for i in range(count):
        if queue.get()[0] != i:
            raise SystemExit(f"array {i} out of order")
    done.put(time.perf_counter())


def run(count, elements):
    queue, done = mp.Queue(), mp.Queue()
    consumer = mp.Process(target=consume, args=(queue, done, count))
    consumer.start()
    base = np.random.default_rng(1).random(elements)
    time.sleep(0.2)
    t0 = time.perf_counter()
    for i in range(count):
        array = base.copy()  # the queue pickles later, in its feeder thread: each put gets its own array
        array[0] = i
        queue.put(array)
    seconds = done.get() - t0
    consumer.join()
    return count / seconds


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] + [20000, 1024, 3][len(sys.argv) - 1:]
    count, elements, runs = args[:3]
    run(min(count, 2000), elements)  # warm-up
    rates = sorted(run(count, elements) for _ in range(runs))
    print(f"mp.Queue, {elements * 8} B arrays: median {rates[len(rates) // 2]:,.0f} arrays/s; runs " + ", ".join(f"{r:,.0f}" for r in rates))
