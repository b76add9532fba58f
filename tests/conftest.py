"""Shared fixtures: paths, and running the real CLI in-process or as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"


def read_jsonl(path: Path) -> list[dict]:
    """All records of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_cli(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``corpuskit ARGS`` in a subprocess (the real console entry point)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "corpuskit", *args], cwd=cwd, input=stdin,
                          capture_output=True, env=full_env, timeout=timeout)


@pytest.fixture
def cli(tmp_path):
    """Call the CLI with the working directory in a temporary folder."""
    def call(*args: str, **kw):
        kw.setdefault("cwd", tmp_path)
        return run_cli(*args, **kw)
    return call
