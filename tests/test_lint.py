"""The whole tree passes the project's ruff rules (pyproject.toml [tool.ruff])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed in this environment (pip install -e '.[test]')")
    result = subprocess.run([str(ruff), "check", "--no-cache", "."], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout[-5000:]
