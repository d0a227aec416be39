"""Wall time of `a2icond fmt` (and `check`) on the worst 1 MiB inputs found for issue 8.

Goal of the issue: no hang past a few seconds on any input up to the 1 MiB limit. Each shape is
generated up to the limit into a temporary folder and run as a whole command, start-up
included, the way a user (or pre-commit) runs it:

- `fmt --diff FILE` (formats, self-checks, prints the diff; writes nothing);
- `check --no-cache FILE` for the label and key shapes, in the default text output (each
  diagnostic with its source line and caret; the text is split into lines once per file).

Shapes: half a million `#` lines, comment lines with blank lines between them, ignore comments,
one huge comment line, blank lines, spaces, comment lines that fmt changes (a few hundred
distinct texts: `difflib` went quadratic on them), a long `and` chain and long key declarations
(both refused as too long for A2I, after a full compile), 1 MiB of distinct unknown label
names and of declared keys with as many undeclared names (`check`: the "did you mean"
suggestions).

Bytecode: this environment may set PYTHONDONTWRITEBYTECODE=1; the script compiles the package
with `compileall` first (as `check_bench.py` does), so no run pays for recompiling.

    python bench/fmt_bench.py             # every shape, 3 runs each: the median and the minimum
    python bench/fmt_bench.py --quick     # one run each, a quarter of the size: does it run?
    python bench/fmt_bench.py --shapes hash-lines labels
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from check_bench import compile_package  # noqa: E402

LIMIT = 1 << 20
HEAD = "source rekognition\n\n"
COND = 'label "Explicit" confidence > 90\n'
MEMBER = 'label "Explicit" confidence > 90'


def fill(size: int, unit: str, head: str = HEAD, tail: str = COND) -> str:
    """`head`, `unit` repeated, `tail`: at most `size` characters."""
    return head + unit * ((size - len(head) - len(tail) - 1) // len(unit)) + tail


def distinct_comments(size: int) -> str:
    """Comment lines of 200 distinct texts, a run of blank lines every seventh (fmt folds it)."""
    parts, total, i = [], len(HEAD) + len(COND), 0
    while True:
        part = f"#c{i % 200}\n" + ("\n\n\n" if i % 7 == 0 else "")
        if total + len(part) > size:
            break
        parts.append(part)
        total += len(part)
        i += 1
    return HEAD + "".join(parts) + COND


def unknown_labels(size: int) -> str:
    """Distinct made-up label names, one `or` member each (refused as too long for A2I; every
    name is warned about, each with a suggestion looked for)."""
    rng = random.Random(1)
    head = HEAD + MEMBER + "\n"
    lines, total, seen = [head], len(head), set()
    while True:
        name = " ".join(
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))
            for _ in range(rng.randint(1, 3))
        ).title()
        if name in seen:
            continue
        seen.add(name)
        line = f'or label "{name}" confidence > 50\n'
        if total + len(line) > size:
            return "".join(lines)
        lines.append(line)
        total += len(line)


def undeclared_keys(size: int) -> str:
    """As many declared keys as undeclared names in conditions (`check`: key suggestions)."""
    count = size // 50
    decls = "".join(f'key k{i} = "Key {i}"\n' for i in range(count))
    refs = "\nor ".join(f"q{i} confidence < 90" for i in range(count))
    return f"source textract\n\n{decls}\n{refs}\n"


#: name -> (command, text of the given size)
SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "hash-lines": ("fmt", lambda n: fill(n, "#\n")),
    "hash-lines-first": ("fmt", lambda n: fill(n, "#\n", head="", tail=HEAD + COND)),
    "blank-between": ("fmt", lambda n: fill(n, "\n#\n")),
    "comment-lines": ("fmt", lambda n: fill(n, "# a note about the condition below\n")),
    "ignore-lines": ("fmt", lambda n: fill(n, "#a2icond:ignore\n")),
    "one-comment-line": ("fmt", lambda n: HEAD + MEMBER + "  #" + "x" * (n - 100) + "\n"),
    "blank-lines": ("fmt", lambda n: fill(n, "\n")),
    "spaces": ("fmt", lambda n: fill(n, " ")),
    "changed-comments": ("fmt", distinct_comments),
    "members-comment": ("fmt", lambda n: fill(n, f"or {MEMBER}  # c\n", HEAD + MEMBER + "\n", "")),
    "members-ignore": (
        "fmt",
        lambda n: fill(n, f"or {MEMBER}  # a2icond: ignore\n", HEAD + MEMBER + "\n", ""),
    ),
    "and-chain": ("fmt", lambda n: fill(n, f"and {MEMBER}  # c\n", HEAD + MEMBER + "\n", "")),
    "unused-keys": (
        "fmt",
        lambda n: (
            "source textract\n\n"
            + "".join(f'key k{i} = "Key {i}" aka "A {i}"\n' for i in range((n - 60) // 40))
            + "\nk0 confidence < 90\n"
        ),
    ),
    "key-aliases": (
        "fmt",
        lambda n: (
            'source textract\n\nkey k = "Name" aka '
            + '"Alias", ' * ((n - 100) // 10)
            + '"Z"\n\nk confidence < 90\n'
        ),
    ),
    "labels": ("check", unknown_labels),
    "undeclared-keys": ("check", undeclared_keys),
}


def run(command: str, path: Path, env: dict[str, str]) -> tuple[float, int]:
    args = ["fmt", "--diff"] if command == "fmt" else ["check", "--no-cache"]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "a2icond", *args, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        timeout=600,
    )
    return time.perf_counter() - start, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run each, 256 KiB inputs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    size = LIMIT // 4 if args.quick else LIMIT
    folder = compile_package()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"a2icond from {folder}; {runs} run(s) per shape; inputs of {size:,} characters")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'shape':18} {'command':8} {'exit':>4} {'median s':>9} {'min s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.shapes:
            command, make = SHAPES[name]
            text = make(size)
            assert len(text) <= LIMIT, (name, len(text))
            path = Path(tmp) / f"{name}.cond"
            path.write_text(text, encoding="utf-8")
            times, codes = [], set()
            for _ in range(runs):
                seconds, code = run(command, path, env)
                times.append(seconds)
                codes.add(code)
            shown = "/".join(str(c) for c in sorted(codes))
            print(
                f"{name:18} {command:8} {shown:>4} {statistics.median(times):9.2f} "
                f"{min(times):7.2f}",
                flush=True,
            )
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
