"""The result cache of `a2icond check`: a file that did not change is not checked again.

As ruff does: one JSON file per working directory and set of options, in a folder private to
the user (`$A2ICOND_CACHE_DIR`, else platformdirs' user cache folder, e.g. `~/.cache/a2icond`),
holding for each path checked the digest of its bytes and the result. A result is reused only
when the bytes are the same, and the cache file only when it was written by this a2icond (its
version and a fingerprint of its own files, so an edited development install starts afresh)
with the same options.

Nothing in it is executed: it is JSON, never pickle. It is used only from a folder that is
this user's and that no one else can write (created 0700; a symlink, another owner, or write
access for group or others and the cache is not used); a cache file that is not ours, not
JSON, or not of the expected shape is ignored, entry by entry, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .report import FileResult

#: Bumped when the file's layout changes (2: a file that passed is `[digest, detail]`).
FORMAT = 2

#: Past this many entries a cache file starts afresh (it grows only with distinct paths).
MAX_ENTRIES = 100_000


def digest(data: bytes) -> str:
    """The key of a file's content."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def cache_dir() -> str:
    """Where cache files go: `$A2ICOND_CACHE_DIR`, else the user's cache folder (on Linux the
    XDG folder, computed here as platformdirs does, which saves importing it on every run)."""
    configured = os.environ.get("A2ICOND_CACHE_DIR")
    if configured:
        return configured
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")
        return os.path.join(base, "a2icond")
    import platformdirs

    return platformdirs.user_cache_dir("a2icond", appauthor=False)


def private_dir(path: str) -> bool:
    """Make `path` (0700) if it is missing; whether it is a folder only this user can write."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def fingerprint() -> str:
    """This a2icond: its version and the size and time of each of its files."""
    from . import __version__

    package = os.path.dirname(os.path.realpath(__file__))
    parts = [__version__]
    stack = [package]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                elif entry.name.endswith((".py", ".json", ".lark")):
                    info = entry.stat()
                    parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()


class ResultCache:
    """The cached results of one working directory and one set of options."""

    def __init__(
        self, options: dict[str, Any], folder: str | os.PathLike[str] | None = None
    ) -> None:
        self.folder = os.fspath(folder) if folder is not None else cache_dir()
        self.stamp = fingerprint()
        name = json.dumps({"cwd": os.getcwd(), "options": options}, sort_keys=True)
        digest = hashlib.blake2b(name.encode()).hexdigest()[:32]
        self.path = os.path.join(self.folder, f"check-{digest}.json")
        self.usable = private_dir(self.folder)
        self.entries: dict[str, list[Any]] = self._read() if self.usable else {}
        self.changed: dict[str, list[Any]] = {}

    def _read(self) -> dict[str, list[Any]]:
        """The entries of the cache file, if it is ours and well formed; else none."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags)
        except OSError:
            return {}
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
                return {}
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return {}
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError, RecursionError):
            return {}
        finally:
            os.close(fd)
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("a2icond") != self.stamp
            or not isinstance(data.get("entries"), dict)
        ):
            return {}
        return data["entries"]  # type: ignore[no-any-return]

    def get(self, path: str, key: str) -> FileResult | None:
        """The result stored for `path` with content `key`, if there is a well-formed one."""
        entry = self.entries.get(path)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == key):
            return None
        from .report import FileResult

        if isinstance(entry[1], str):  # a file that passed: only its detail is kept
            return FileResult(path, (), None, entry[1])
        try:
            result = FileResult.from_json(entry[1])
        except (TypeError, ValueError, KeyError, AttributeError):
            return None
        if result.path != path or not _well_formed(result):
            return None
        return result

    def put(self, path: str, key: str, result: FileResult) -> None:
        """Remember `result` for `path` with content `key` (a pass as its detail alone, which
        is most entries, so that reading them back is cheap)."""
        clean = not result.diagnostics and result.text is None and not result.texts
        self.changed[path] = [key, result.detail if clean else result.to_json()]

    def save(self) -> None:
        """Write the new results, merged with what another run may have saved meanwhile;
        atomically, so a reader sees the old file or the new one. Failures are ignored: the
        cache only saves time."""
        if not self.usable or not self.changed:
            return
        entries = self._read()
        if len(entries) + len(self.changed) > MAX_ENTRIES:
            entries = {}
        entries.update(self.changed)
        text = json.dumps(
            {"format": FORMAT, "a2icond": self.stamp, "entries": entries},
            separators=(",", ":"),
        )
        # What `tempfile.mkstemp` does (a new file of our own, 0600, never one that exists),
        # without importing it and `shutil` and `random` on every run that writes the cache.
        tmp = os.path.join(self.folder, f".check-{os.getpid()}-{os.urandom(6).hex()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(tmp, flags, 0o600)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except (OSError, UnicodeError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _well_formed(result: FileResult) -> bool:
    """Every field of the right type (a cache file is read, not trusted)."""
    fields = (
        ("message", str), ("line", int), ("column", int), ("end_line", int),
        ("end_column", int), ("severity", str), ("code", str), ("filename", str), ("hint", str),
    )  # fmt: skip
    return (
        isinstance(result.text, str | None)
        and isinstance(result.detail, str)
        and all(
            isinstance(getattr(d, name), kind) for d in result.diagnostics for name, kind in fields
        )
        and all(isinstance(n, str) for d in result.diagnostics for n in d.notes)
        and all(d.severity in ("error", "warning") for d in result.diagnostics)
    )
