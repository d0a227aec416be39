"""`a2icond decompile FILE`: turn existing activation conditions into .cond files.

Takes a bare `{"Conditions": [...]}` document, a `build` request, a
`describe-flow-definition` response, an A2I output record or a `HumanLoopActivationOutput`;
and Python or Terraform code (every conditions value in it, read statically: one .cond file
each, to migrate). Invalid input gets a located diagnostic, exit 1.
"""

from __future__ import annotations

import argparse
import sys

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    add_source_option,
    print_diagnostics,
    write_output,
)

EXIT_INTERNAL = 3


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "decompile",
        help="turn activation-conditions JSON into a .cond file",
        description="Turn HumanLoopActivationConditions JSON (a file, or a whole build request "
        "or describe-flow-definition response) into a canonical .cond program that compiles "
        "back to the same conditions.",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="a .json file, or a .py, .ipynb or .tf file holding conditions; - reads JSON from "
        "standard input",
    )
    add_source_option(p, "documents with only Sampling conditions")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write here (atomically) instead; for code holding several conditions values, "
        "a folder to write one .cond file each into",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..decompiler import DecompileError, decompile
    from ..diagnostics import CompileError
    from ..fileio import read_text

    text: str | None = None
    if Path(args.file).suffix.lower() in (".py", ".ipynb", ".tf"):
        return _run_code(args)
    try:
        text = read_text(args.file)
        program = decompile(text, source=args.source, filename=args.file)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text if exc.text is not None else text)
        return EXIT_PROBLEMS
    except DecompileError as exc:
        print(f"a2icond: {args.file}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    if not program.startswith("source "):
        print(
            f"{args.file}: warning: only Sampling conditions, so the source cannot be told; "
            "the program has no `source` line (give --source to add one)",
            file=sys.stderr,
        )
    write_output(program, args.output)
    return EXIT_OK


def _run_code(args: argparse.Namespace) -> int:
    """Every conditions value in a Python or Terraform file, each to its own program, headed
    by a comment naming where it came from."""
    import re
    from pathlib import Path

    from ..decompiler import DecompileError, decompile_validated
    from ..diagnostics import CompileError
    from ..fileio import atomic_write, read_text
    from ..sources import read_code

    try:
        text = read_text(args.file)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics)
        return EXIT_PROBLEMS
    reads, diagnostics = read_code(text, args.file, source=args.source)
    status = EXIT_OK
    programs: list[tuple[str, str]] = []
    taken: set[str] = set()
    for read in reads:
        diagnostics.extend(read.diagnostics)
        if read.conditions is None:
            status = EXIT_PROBLEMS
            continue
        found = read.found
        try:
            body = decompile_validated(read.conditions, source=args.source, filename=args.file)
        except DecompileError as exc:
            print(f"a2icond: {args.file}:{found.line}:{found.column}: {exc}", file=sys.stderr)
            return EXIT_INTERNAL
        origin = f"{args.file}:{found.line}:{found.column}"
        if not body.startswith("source "):
            print(
                f"{origin}: warning: only Sampling conditions, so the source cannot be told; "
                "the program has no `source` line (give --source to add one)",
                file=sys.stderr,
            )
        header = f"# decompiled from {origin}" + (f" ({found.name})" if found.name else "")
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", found.name.lower()).strip("_.") or (
            f"line{found.line}"
        )
        name, n = f"{Path(args.file).stem}.{stem}.cond", 2
        while name in taken:
            name, n = f"{Path(args.file).stem}.{stem}-{n}.cond", n + 1
        taken.add(name)
        programs.append((name, f"{header}\n{body}"))
    print_diagnostics(diagnostics, text)
    if not reads and not diagnostics:
        print(f"a2icond: {args.file}: no activation conditions found", file=sys.stderr)
        return EXIT_PROBLEMS
    output = args.output
    if len(programs) == 1 and not (output and Path(output).is_dir()):
        write_output(programs[0][1], output)
        return status
    if programs and not output:
        print(
            f"a2icond: {args.file} holds {len(programs)} activation-conditions values; give "
            "-o FOLDER to write one .cond file each",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if programs:
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, program in programs:
            atomic_write(folder / name, program)
            print(f"wrote {folder / name}", file=sys.stderr)
    return status
