"""Reading users' files safely and writing them atomically; reading the package's own data."""

from __future__ import annotations

import errno
import os

from .diagnostics import CompileError, Diagnostic

#: The package's folder, where its data files are when it is installed as files.
PACKAGE = os.path.dirname(os.path.abspath(__file__))


def package_text(name: str) -> str:
    """A data file shipped in the package (`"data/x.json"`), as text.

    Read from the package's folder when it is one (most installs), so the compile path does not
    import `importlib.resources` (a tenth of its start-up); through `importlib.resources` when
    the package is somewhere else (a zip file).
    """
    try:
        with open(os.path.join(PACKAGE, name), encoding="utf-8") as fh:
            return fh.read()
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files("a2icond").joinpath(name).read_text("utf-8")


def decode(data: bytes, filename: str) -> str:
    """UTF-8 text of `data` (a leading BOM dropped), or a located error at the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise CompileError(
            [
                Diagnostic(
                    f"file is not valid UTF-8 text (byte 0x{data[exc.start]:02x})",
                    line,
                    column,
                    line,
                    column + 1,
                    filename=filename,
                    code="A2I010",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike[str], filename: str | None = None) -> str:
    """Read a user's file as text; `-` is standard input. Errors are diagnostics, not tracebacks."""
    name = filename or str(path)
    try:
        if str(path) == "-":
            import sys

            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise CompileError(
            [Diagnostic(f"cannot read file: {exc.strerror or exc}", filename=name, code="A2I010")]
        ) from None
    except ValueError:  # a NUL character or a lone surrogate: no file can have that name
        raise CompileError(
            [
                Diagnostic(
                    "cannot read file: its name holds a character no path can hold",
                    filename=repr(name)[1:-1],
                    code="A2I010",
                )
            ]
        ) from None
    return decode(data, name)


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename.

    A crash or a full disk leaves either the old file or the new one, never half of one.
    The file keeps its permissions when it already exists.
    """
    from pathlib import Path

    target = Path(path)
    if target.is_dir():  # refuse before leaving a temporary file in the folder above
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if target.exists() and not target.is_file():
        # A device or a pipe (`-o /dev/stdout`): write into it; renaming over it would replace
        # the device node itself with a plain file.
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    import tempfile

    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
