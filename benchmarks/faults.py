"""The resilience drill: run the fault suite and print each fault's measured figures.

Run: ``python benchmarks/faults.py`` (``--outage-seconds 60`` for the issue's minute of
Odoo down). It runs ``tests/fault/resilience``
with pytest on two workers and prints, per fault, the line its test printed: requests
served and refused, events delivered, duplicates, and the time to recover. The figures
come from real processes: an Odoo sandbox, nats-server and the hub, each killed with
SIGKILL in turn (see the tests' docstrings for what each drill does).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = re.compile(
    r"^(odoo-down|odoo-down catch-up|nats-restart|hub-sigkill|poison|slow-receiver):"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage-seconds", type=float, default=12.0)
    parser.add_argument("--workers", default="2")
    options = parser.parse_args()
    env = {**os.environ, "HB_FAULT_OUTAGE_SECONDS": str(options.outage_seconds)}
    command = [
        sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:randomly",
        "-n", options.workers, "--durations=0", "tests/fault/resilience",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    lines = done.stdout.splitlines()
    for line in lines:
        if FIGURES.match(line.strip()):
            print(line.strip())
    for line in lines:
        if line.startswith(("PASSED", "FAILED", "XFAIL", "XPASS", "ERROR")) or " call " in line:
            print(line[:200])
    print(lines[-1] if lines else done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
