"""schemathesis against the served API (tests/schemathesis_run.py): every
standard check, a fixed seed, a bounded number of examples (about 2.5 minutes).
No answer may be a server error or break the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.schemathesis

SCRIPT = Path(__file__).resolve().parent.parent / "schemathesis_run.py"


def test_the_api_keeps_its_schema_under_schemathesis(artifacts_dir):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--max-examples", "10"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary_file = Path(artifacts_dir) / "schemathesis" / "summary.json"
    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr[-4000:]
    results = json.loads(summary_file.read_text())
    assert [r["role"] for r in results] == ["member", "vendor"]
    for result in results:
        assert result["failures"] == {}, result
        assert result["test_cases"] > 500, result
        assert result["server"]["server_errors"] == 0, result
