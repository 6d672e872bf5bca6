"""Seconds of wall clock during which at least one tool run was going.

Reads the log the benchmark's tool wrappers write ("PID start|end EPOCH" per
line) and returns the length of the union of the [start, end] intervals.
"""
import sys


def union_seconds(lines):
    runs = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            runs.setdefault(parts[0], {})[parts[1]] = float(parts[2])
    intervals = sorted((r["start"], r["end"]) for r in runs.values() if "start" in r and "end" in r)
    total, current = 0.0, None
    for start, end in intervals:
        if current and start <= current[1]:
            current[1] = max(current[1], end)
        else:
            if current:
                total += current[1] - current[0]
            current = [start, end]
    if current:
        total += current[1] - current[0]
    return total


if __name__ == "__main__":
    with open(sys.argv[1]) as log:
        print(f"{union_seconds(log):.6f}")
