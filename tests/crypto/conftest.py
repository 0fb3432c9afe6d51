"""Fixtures for crypto tests: no Flask, no database."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = Path(os.environ.get("PORTAL_AGE_VECTORS", REPO.parent / "shared/testdata/age-cctv"))


@pytest.fixture(scope="session")
def age_cli() -> str:
    """Path of the stock `age` CLI (Debian package `age`), the independent checker."""
    path = shutil.which("age")
    if path is None:
        pytest.skip("the `age` CLI is not installed (Debian package `age`)")
    return path
