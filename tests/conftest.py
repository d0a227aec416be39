"""Shared test set-up."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_check_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own `check` result cache (and subprocesses inherit it), so no test
    sees another's results and none writes to the user's cache folder."""
    folder: Path = tmp_path_factory.mktemp("check-cache")
    monkeypatch.setenv("A2ICOND_CACHE_DIR", str(folder / "cache"))
