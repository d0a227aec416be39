"""`a2icond check` gives the same report, in the same order, however the batch is split."""

from __future__ import annotations

from pathlib import Path

import pytest

from a2icond.commands import check

GOOD_COND = 'source rekognition\n\n   label "Violence" confidence < 60\nor sample 5%\n'
BAD_COND = 'source textract\nkey a = "A"\n  a confidence < 200\n'
GOOD_JSON = (
    '{"Conditions":[{"ConditionType":"Sampling",'
    '"ConditionParameters":{"RandomSamplingPercentage":5}}]}'
)
BAD_JSON = '{"Conditions": ['


def _files(tmp_path: Path) -> list[tuple[str, str | None]]:
    contents = [GOOD_COND, BAD_JSON, GOOD_JSON, BAD_COND] * 6 + [GOOD_COND]
    items = []
    for i, text in enumerate(contents):
        suffix = ".json" if text.startswith("{") else ".cond"
        path = tmp_path / f"f{i:02d}{suffix}"
        path.write_text(text, encoding="utf-8")
        items.append((str(path), None))
    return items


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    items = _files(tmp_path)
    serial = check.check_all(items, 1)
    parallel = check.check_all(items, jobs)
    assert parallel == serial
    assert [r.failed for r in serial] == [_is_bad(path) for path, _ in items]
    assert "confidence threshold" in serial[3].diagnostics[0].message
    assert "not valid JSON" in serial[1].diagnostics[0].message


def _is_bad(path: str) -> bool:
    text = Path(path).read_text(encoding="utf-8")
    return text in (BAD_COND, BAD_JSON)


def test_primers_pick_one_file_of_each_kind() -> None:
    items = [("a.cond", None), ("b.cond", None), ("c.JSON", None), ("d.json", None)]
    assert check._primers(items) == [0, 2]
    assert check._primers([("x.json", None)]) == [0]


def test_a_worker_that_dies_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a worker did not deliver, the parent checks itself."""
    import os

    items = _files(tmp_path)
    serial = check.check_all(items, 1)
    parent, real = os.getpid(), check.check_one

    def dies_in_a_worker(*item: object) -> object:
        if os.getpid() != parent:
            os._exit(7)
        return real(*item)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_one", dies_in_a_worker)
    assert check.check_all(items, 3) == serial


def test_workers_deliver_their_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers really check files: the parent checks only what they leave."""
    import os

    items = _files(tmp_path) * 20
    parent, real = os.getpid(), check.check_one
    in_parent: list[str] = []

    def counted(*item: object) -> object:
        if os.getpid() == parent:
            in_parent.append(str(item[0]))
        return real(*item)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_one", counted)
    parallel = check.check_all(items, 2)
    from_parent = len(in_parent)
    assert parallel == check.check_all(items, 1)
    assert 0 < from_parent < len(items)  # the parent took some runs, the worker the rest


def test_no_temporary_folder_means_no_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers write their results to a temporary file; without one, the parent checks all."""
    import tempfile

    items = _files(tmp_path)
    serial = check.check_all(items, 1)

    def refused(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    assert check.check_all(items, 2) == serial


def test_runs_shrink_and_cover_every_file_once() -> None:
    runs = check._runs(list(range(998)), 2)
    assert [i for run in runs for i in run] == list(range(998))
    sizes = [len(run) for run in runs]
    assert sizes == sorted(sizes, reverse=True)  # long runs first, short ones at the end
    assert sizes[0] == 998 // (2 * check.RUN_SHARE)
    assert max(sizes[-4:]) == check.SHORTEST_RUN


def test_runs_fit_in_the_pipe_however_many_jobs() -> None:
    """The run numbers are written to a pipe before any process reads it (64 KiB on Linux):
    `--jobs 1000` on a million files must not block there."""
    jobs = min(1000, check.MAX_JOBS)
    assert len(check._runs(list(range(1_000_000)), jobs)) * 4 < 65536


def test_many_jobs_for_few_files(tmp_path: Path) -> None:
    items = _files(tmp_path)
    assert check.check_all(items, 500) == check.check_all(items, 1)
