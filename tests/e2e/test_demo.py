"""The demo, run as a person runs it: changes edited in the sandbox reach the hub once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SUMMARY = re.compile(
    r"captured (\d+) changes from (\d+) notifications \((\d+) duplicates collapsed\); "
    r"(\d+) seen by webhook, (\d+) only by the poller; (\d+) edits made, (\d+) webhooks lost "
    r"on purpose, (\d+) admissions over MLLP"
)


@pytest.mark.slow
def test_the_demo_captures_every_edit_once_and_the_poller_finds_the_lost_webhooks(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHBRIDGE_")}
    env |= {"HEALTHBRIDGE_DATA_DIR": str(tmp_path), "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "healthbridge.cli",
            "demo",
            "--duration",
            "9",
            "--no-live",
            "--port",
            "0",
            "--interval",
            "0.6",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = SUMMARY.search(" ".join(result.stdout.split()))
    assert found, result.stdout[-3000:]
    changes, notifications, collapsed, by_webhook, poller_only, edits, lost, admitted = map(
        int, found.groups()
    )
    assert edits >= 8
    assert lost >= 1
    assert poller_only >= lost  # every lost webhook was found by the poller
    assert by_webhook >= 1
    assert collapsed >= 12  # the hand-made rule sends 13 posts for one create
    assert changes >= edits // 2  # each edit changes at least one captured record
    assert notifications > changes
    assert admitted >= 1
    assert "FHIR R4 Patient the hub would serve" in result.stdout
    assert '"resourceType": "Patient"' in result.stdout
    assert "hypertension" not in result.stdout.lower()  # the diagnosis never left the EHR
    assert "Traceback" not in result.stderr
