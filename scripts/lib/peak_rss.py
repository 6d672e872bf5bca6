#!/usr/bin/env python3
"""Runs a command and prints the peak resident set size of that process
alone (VmHWM from /proc, sampled until it exits; the tools it starts, such as
Trivy and Syft, are not counted) in KiB on stderr's last line as
`peak_rss_kib=N`. The command's stdout passes through; its exit status is
returned."""
import subprocess, sys, time


def hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    proc = subprocess.Popen(sys.argv[1:])
    peak = 0
    while proc.poll() is None:
        peak = max(peak, hwm(proc.pid))
        time.sleep(0.005)
    print(f"peak_rss_kib={peak}", file=sys.stderr)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
