"""`a2icond check` remembers results by content, in a private folder, and trusts nothing else;
and it picks its worker count with the machine's load in mind."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from a2icond import cache, cli
from a2icond.commands import check

GOOD = 'source rekognition\nlabel "Violence" confidence < 60\n'
BAD = 'source rekognition\nlabel "Violence" confidence < 600\n'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(["check", *args])
    return status, capsys.readouterr().out


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.chdir(tmp_path)
    good, bad = tmp_path / "good.cond", tmp_path / "bad.cond"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    return [good, bad]


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths `check` actually checks (rather than takes from the cache)."""
    seen: list[str] = []
    real = check.check_one

    def spy(path: str, *rest: object) -> tuple[str, str, bool]:
        seen.append(Path(path).name)
        return real(path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_one", spy)
    return seen


def cache_files() -> list[Path]:
    return sorted(Path(os.environ["A2ICOND_CACHE_DIR"]).glob("check-*.json"))


def test_unchanged_files_are_not_checked_again(
    files: list[Path], checked: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, "-v", *map(str, files))
    assert first[0] == 1 and "confidence" in first[1] and "good.cond: ok" in first[1]
    assert checked == ["good.cond", "bad.cond"]
    folder = Path(os.environ["A2ICOND_CACHE_DIR"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (written,) = cache_files()
    assert stat.S_IMODE(written.stat().st_mode) & 0o077 == 0
    checked.clear()
    assert run(capsys, "-v", *map(str, files)) == first
    assert checked == []
    # A changed file is checked again, and only it.
    files[1].write_text(GOOD, encoding="utf-8")
    status, out = run(capsys, *map(str, files))
    assert (status, out, checked) == (0, "", ["bad.cond"])


def test_options_and_no_cache(
    files: list[Path], checked: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, str(files[0]))
    run(capsys, "--source", "rekognition", str(files[0]))
    assert checked == ["good.cond", "good.cond"]  # another option, another cache
    assert len(cache_files()) == 2
    checked.clear()
    for path in cache_files():
        path.unlink()
    run(capsys, "--no-cache", str(files[0]))
    run(capsys, "--no-cache", str(files[0]))
    assert checked == ["good.cond", "good.cond"]
    assert cache_files() == []


def forge(path: Path, target: Path) -> None:
    """A cache file that says `target` (a bad file) passed: what an attacker would plant."""
    result = {"path": str(target), "diagnostics": [], "text": None, "detail": "rekognition"}
    entry = [cache.digest(target.read_bytes()), result]
    path.write_text(
        json.dumps({"format": cache.FORMAT, "a2icond": cache.fingerprint(),
                    "entries": {str(target): entry}}),
        encoding="utf-8",
    )  # fmt: skip


def test_corrupt_and_foreign_caches_are_ignored(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = str(files[1])
    run(capsys, bad)
    (path,) = cache_files()
    for garbage in ["", "{", "[]", '{"format": 1}', "\x00\xff", json.dumps({"entries": 5})]:
        path.write_bytes(garbage.encode("utf-8", "surrogateescape"))
        assert run(capsys, bad)[0] == 1
    entries = json.loads(path.read_text(encoding="utf-8"))
    key = entries["entries"][bad][0]
    for wrong in (
        [1, 2, 3],
        "x",
        [key, 5],
        [key, ["not", "a", "result"]],
        [key, {"path": "elsewhere.cond", "diagnostics": [], "detail": "rekognition"}],
        [key, {"path": bad, "diagnostics": [{"message": 5}], "detail": ""}],
        [key, {"path": bad, "diagnostics": [{"message": "m", "severity": "fine"}]}],
        [key, {"path": bad, "diagnostics": [{"message": "m", "nonsense": 1}]}],
    ):
        entries["entries"][bad] = wrong
        path.write_text(json.dumps(entries), encoding="utf-8")
        assert run(capsys, bad)[0] == 1
    # Another a2icond (or another version) wrote it: not used.
    forge(path, files[1])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["a2icond"] = "someone else"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(capsys, bad)[0] == 1
    # Writable by others: not trusted.
    forge(path, files[1])
    path.chmod(0o666)
    assert run(capsys, bad)[0] == 1
    # A symlink to a forged file elsewhere: not followed.
    elsewhere = path.parent.parent / "forged.json"
    forge(elsewhere, files[1])
    path.unlink()
    path.symlink_to(elsewhere)
    assert run(capsys, bad)[0] == 1
    # The control: the same forged file, private and ours, is believed (it is the user's own).
    path.unlink()
    forge(path, files[1])
    path.chmod(0o600)
    assert run(capsys, bad)[0] == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_cache_file_owned_by_another_user_is_ignored(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = str(files[1])
    run(capsys, bad)
    (path,) = cache_files()
    forge(path, files[1])
    os.chown(path, 65534, 65534)
    assert run(capsys, bad)[0] == 1


def test_a_shared_cache_folder_is_not_used(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("A2ICOND_CACHE_DIR", str(shared))
    forge(shared / os.path.basename(cache.ResultCache({"source": None}, shared).path), files[1])
    assert run(capsys, str(files[1]))[0] == 1  # the forged entry is not read
    assert run(capsys, str(files[0]))[0] == 0
    assert [p.name for p in shared.iterdir()] == [
        os.path.basename(cache.ResultCache({"source": None}, shared).path)
    ]  # and nothing is written there


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "usable_cpus", lambda: 4)
    monkeypatch.setattr(check, "_can_fork", lambda: True)
    busy = [0]
    monkeypatch.setattr(check, "busy_cpus", lambda: busy[0])
    assert check.worker_count(0, 10) == 1  # a small batch stays in one process
    assert check.worker_count(0, 1000) == 4
    assert check.worker_count(3, 10) == 3  # --jobs wins
    busy[0] = 2
    assert check.worker_count(0, 1000) == 2  # two CPUs busy, two idle
    busy[0] = 3
    assert check.worker_count(0, 1000) == 1
    busy[0] = 9
    assert check.worker_count(0, 1000) == 1
    monkeypatch.setattr(check, "_can_fork", lambda: False)
    busy[0] = 0
    assert check.worker_count(0, 1000) == 1  # no fork, no workers


def test_busy_cpus_reads_the_run_queue_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(check, "LOADAVG", str(loadavg))
    # A minute's average of 1.9 (the previous run) but only this process running now.
    loadavg.write_text("1.90 1.20 0.80 1/231 4242\n")
    assert check.busy_cpus() == 0
    loadavg.write_text("0.10 0.20 0.80 4/231 4242\n")
    assert check.busy_cpus() == 3
    # A kernel thread that ran for an instant: the fewest running in the readings counts.
    readings = iter(["0.1 0.1 0.1 3/231 1\n", "0.1 0.1 0.1 1/231 1\n"] * 5)
    real_open = open

    def one_reading_each(path: str, *args: object, **kwargs: object) -> object:
        if path == str(loadavg):
            loadavg.write_text(next(readings))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", one_reading_each)
    assert check.busy_cpus() == 0
    monkeypatch.undo()
    monkeypatch.setattr(check, "LOADAVG", str(loadavg))
    # No such file (not Linux): the last minute's average, whole CPUs.
    loadavg.unlink()
    monkeypatch.setattr(os, "getloadavg", lambda: (2.6, 0.0, 0.0))
    assert check.busy_cpus() == 2
    loadavg.write_text("garbage\n")
    assert check.busy_cpus() == 2


def test_negative_jobs_is_a_usage_error(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", "--jobs", "-1", str(files[0])])
    assert exc.value.code == 2
    assert "must be 0 (one per CPU) or more" in capsys.readouterr().err


def test_the_cached_path_loads_no_compiler(files: list[Path]) -> None:
    """Files that passed before are answered without the compiler, the model's classes or the
    diagnostics' (a pass is kept as its detail alone)."""
    import subprocess

    heavy = ("a2icond.compiler", "a2icond.parser", "a2icond.ast", "a2icond.model")
    heavy += ("a2icond.diagnostics",)
    code = (
        "import sys\nfrom a2icond import cli\n"
        f"status = cli.main(['check', {str(files[0])!r}])\n"
        f"print(status, sorted(m for m in sys.modules if m in {heavy!r}))\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.split("\n")[0].startswith("0 ['a2icond.ast'")
    assert again.stdout.strip() == "0 []"


def test_a_flow_file_is_checked_again_when_its_conditions_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flow file's result depends on the `.cond` file it names, so it is never cached."""
    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples" / "rekognition"
    flow = tmp_path / "moderation.flow.toml"
    flow.write_text((examples / "moderation.flow.toml").read_text("utf-8"), encoding="utf-8")
    conditions = tmp_path / "moderation.cond"
    conditions.write_text(GOOD, encoding="utf-8")
    assert run(capsys, str(flow))[0] == 0
    conditions.write_text(BAD, encoding="utf-8")
    status, out = run(capsys, str(flow))
    assert status == 1 and "600" in out


def test_a_cached_run_imports_little(files: list[Path]) -> None:
    """Every pre-commit run over unchanged files pays for what it imports: not the compiler,
    the model or the diagnostics, and none of the standard modules that cost milliseconds
    (run without `site`, so that nothing a site hook imported hides one)."""
    import subprocess

    heavy = ("a2icond.compiler", "a2icond.parser", "a2icond.ast", "a2icond.model")
    heavy += ("a2icond.diagnostics", "dataclasses", "inspect", "pathlib", "shutil", "tempfile")
    heavy += ("importlib.resources", "platformdirs", "difflib")
    root = str(Path(__file__).resolve().parent.parent)
    code = (
        f"import sys\nsys.path.insert(0, {root!r})\nfrom a2icond import cli\n"
        f"status = cli.main(['check', {str(files[0])!r}])\n"
        f"print(status, sorted(m for m in sys.modules if m in {heavy!r}))\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    again = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True
    )
    assert again.stdout.strip() == "0 []", again.stderr


def test_a_first_run_imports_only_what_compiling_needs(files: list[Path]) -> None:
    """Compiling a file that is fine and saving its result need neither the path,
    file-copying, temporary-file and resource modules, nor difflib (suggestions are for
    mistakes): each costs milliseconds of a pre-commit run (without `site`, so that a site
    hook's imports hide none)."""
    import subprocess

    light = ("pathlib", "shutil", "tempfile", "importlib.resources", "platformdirs", "difflib")
    root = str(Path(__file__).resolve().parent.parent)
    code = (
        f"import sys\nsys.path.insert(0, {root!r})\nfrom a2icond import cli\n"
        f"status = cli.main(['check', {str(files[0])!r}])\n"
        f"print(status, sorted(m for m in sys.modules if m in {light!r}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "0 []", run.stderr
