#!/usr/bin/env python3
"""Python's half of `tandem bench --vs-python`: the lesson's exercise with the standard library.

Counts the primes below --below by trial division (the algorithm of Tandem's `primes` job), as
blocks of 10,000 numbers dealt round-robin into --chunks balanced chunks: once serially in this
process, then with multiprocessing.Pool(--workers).map over the chunks. Then --jobs no-op tasks
submitted one by one with Pool.apply_async and with ThreadPoolExecutor.submit, and no-op maps over
range(N) with Pool.map and Pool.imap. Prints one JSON object on stdout; progress goes to stderr.
Shipped with Tandem so both halves run on the same machine in the same minutes.

--parts picks what runs: `tandem bench --suite` runs the CPU pair (serial, then Pool) once beside
each of its own runs, so both sides' speedups are medians over the same minutes of a shared
machine; one pair alone moves by more than the difference it is there to show.
"""
import argparse
import json
import math
import platform
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

BLOCK = 10_000


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    i = 3
    while i * i <= n:
        if n % i == 0:
            return False
        i += 2
    return True


def count_blocks(blocks):
    """Primes in each [from, to) of a chunk, summed."""
    return sum(1 for start, end in blocks for n in range(start, end) if is_prime(n))


def chunks_of(below, chunks):
    """Blocks dealt round-robin: chunk c holds blocks c, c + chunks, c + 2 * chunks, ..."""
    blocks = below // BLOCK
    return [[(j * BLOCK, (j + 1) * BLOCK) for j in range(c, blocks, chunks)] for c in range(chunks)]


def noop(x):
    return x


def say(text):
    print("vs-python: " + text, file=sys.stderr, flush=True)


def timed(work):
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--below", type=int, required=True)
    ap.add_argument("--chunks", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=20_000, help="no-op tasks submitted one by one")
    ap.add_argument("--map", type=int, default=1_000_000, help="elements of the no-op maps over range(N)")
    ap.add_argument("--parts", default="cpu,jobs,maps", help="what to run, of cpu, jobs and maps (comma-separated)")
    ap.add_argument("--reps", type=int, default=1, help="runs of each jobs figure (the median is reported)")
    a = ap.parse_args()
    parts = set(a.parts.split(","))
    if not parts <= {"cpu", "jobs", "maps"} or a.reps < 1:
        ap.error("--parts takes cpu, jobs and maps, comma-separated; --reps a number from 1")
    if a.below % (BLOCK * a.chunks) != 0:
        ap.error("--below must be a multiple of %d (blocks of %d in --chunks chunks)" % (BLOCK * a.chunks, BLOCK))
    chunks = chunks_of(a.below, a.chunks)
    out = {"python": platform.python_version(), "workers": a.workers, "below": a.below, "chunks": a.chunks}

    with Pool(a.workers) as pool:
        pool.map(noop, range(a.workers * 4))  # its processes start before the clock
        if "cpu" in parts:
            say("cpu: primes below {:,} serially".format(a.below))
            out["serialS"], serial_count = timed(lambda: sum(count_blocks(c) for c in chunks))
            say("cpu: the same in Pool({}).map over {} chunks".format(a.workers, a.chunks))
            out["poolS"], counts = timed(lambda: pool.map(count_blocks, chunks, chunksize=1))
            if sum(counts) != serial_count:
                raise SystemExit("Pool.map counted %d primes, serial %d" % (sum(counts), serial_count))
            out["primes"] = serial_count
            out["poolSpeedup"] = out["serialS"] / out["poolS"]

        if "jobs" in parts:
            say("jobs: {:,} no-op tasks with apply_async, each awaited at the end, {} times".format(a.jobs, a.reps))
            runs = []
            for _ in range(a.reps):
                seconds, _ = timed(lambda: [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(a.jobs)]])
                runs.append(a.jobs / seconds)
            out["applyAsyncPerS"] = statistics.median(runs)
            out["applyAsyncRunsPerS"] = runs

        if "maps" in parts:
            cs = max(1, math.ceil(a.map / (4 * a.workers)))  # what Pool.map picks by default
            say("maps: no-op over range({:,}), Pool.map and imap (chunksize {:,})".format(a.map, cs))
            seconds, results = timed(lambda: pool.map(noop, range(a.map)))
            out["poolMapPerS"] = len(results) / seconds
            del results

            def in_order():
                expected = 0
                for r in pool.imap(noop, range(a.map), chunksize=cs):
                    if r != expected:
                        raise SystemExit("imap out of order at %d" % expected)
                    expected += 1
                return expected
            seconds, n = timed(in_order)
            out["imapPerS"] = n / seconds
            out["imapChunksize"] = cs

    if "jobs" in parts:
        with ThreadPoolExecutor(a.workers) as threads:
            say("jobs: {:,} no-op tasks with ThreadPoolExecutor({}).submit, {} times".format(a.jobs, a.workers, a.reps))
            runs = []
            for _ in range(a.reps):
                seconds, _ = timed(lambda: [f.result() for f in [threads.submit(noop, i) for i in range(a.jobs)]])
                runs.append(a.jobs / seconds)
            out["threadPoolPerS"] = statistics.median(runs)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
