"""Runs commands alternately, N rounds, and reports each one's median wall
time and peak resident memory (of the child process), so both sides of a
comparison are measured in the same run on the same machine.

    python measure.py ROUNDS NAME1 'CMD1' NAME2 'CMD2' ...

With MEASURE_CSV=FILE and MEASURE_ROWS=N set, each command's line is also
appended to FILE as `N,command,seconds,peak_mib` (for the scale plot).
"""
import os
import statistics
import subprocess
import sys


def main() -> None:
    rounds = int(sys.argv[1])
    pairs = list(zip(sys.argv[2::2], sys.argv[3::2]))
    walls = {n: [] for n, _ in pairs}
    peaks = {n: 0 for n, _ in pairs}
    failed = {}
    for _ in range(rounds):
        for name, cmd in pairs:
            if name in failed:
                continue
            probe = subprocess.run(
                [sys.executable, "-c",
                 "import resource,subprocess,sys,time;s=time.perf_counter();"
                 "r=subprocess.run(sys.argv[1],shell=True,stdout=subprocess.DEVNULL);"
                 "print(time.perf_counter()-s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)", cmd],
                check=True, capture_output=True, text=True,
            )
            wall, rss_kb, code = probe.stdout.split()
            peaks[name] = max(peaks[name], int(rss_kb))
            if code != "0":
                # Not measured again: killed for memory, say, it would be again.
                failed[name] = f"failed (exit {code}) after {float(wall):.2f} s"
                continue
            walls[name].append(float(wall))
    base = statistics.median(walls[pairs[0][0]])
    print(f"{'command':<15} {'median s':>9} {'ratio':>6} {'peak MiB':>9}  runs")
    for name, _ in pairs:
        if name in failed:
            print(f"{name:<15} {'':>9} {'':>6} {peaks[name] / 1024:9.0f}  {failed[name]}")
            continue
        m = statistics.median(walls[name])
        print(f"{name:<15} {m:9.2f} {m / base:6.2f} {peaks[name] / 1024:9.0f}  {', '.join(f'{w:.2f}' for w in walls[name])}")
        if os.environ.get("MEASURE_CSV"):
            with open(os.environ["MEASURE_CSV"], "a") as f:
                f.write(f"{os.environ['MEASURE_ROWS']},{name},{m:.2f},{peaks[name] / 1024:.0f}\n")


if __name__ == "__main__":
    main()
