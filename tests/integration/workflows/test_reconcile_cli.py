"""``reconcile run`` in its own process (the way an operator runs it): embedded Odoo, a
one-off DBOS executor, a report per model, and the same run key giving the same report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(60)

COMMAND = "from healthbridge.cli.reconcile_cmd import app; app()"


def _reconcile(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", COMMAND, *args],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
        env={**os.environ, "HEALTHBRIDGE_DATA_DIR": str(data_dir), "COLUMNS": "200"},
    )


def test_reconcile_run_reports_and_the_same_run_key_gives_the_same_report(tmp_path: Path) -> None:
    first = _reconcile(tmp_path, "run", "--run-key", "nightly-1")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "batch run batch-nightly-1" in first.stdout
    assert "product.product" in first.stdout

    again = _reconcile(tmp_path, "run", "--run-key", "nightly-1")
    assert again.returncode == 0, again.stderr[-2000:]
    shown = _reconcile(tmp_path, "show")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.count("batch-nightly-1/product.product") == 1
