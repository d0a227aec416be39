"""`a2icond eval CONDITIONS RESPONSE...`: would each response start a human loop, and why.

Per response: the verdict, every node's result in A2I's `humanTaskActivationConditionResults`
format, the items reviewers would see, and, for an A2I output record, every node where our
results differ from the ones A2I recorded. `--json` prints one JSON object per response.
`--expect activated|not-activated` turns golden documents into tests: every response whose
verdict differs is listed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_s3_arguments,
    add_source_option,
    load_conditions,
    print_diagnostics,
    s3_options,
)

EXPECTATIONS = {"activated": True, "not-activated": False}

if TYPE_CHECKING:  # pragma: no cover
    from ..evaluation.evaluate import EvaluationResult, Plan


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate conditions against stored Rekognition/Textract responses or A2I records",
        description="Evaluate activation conditions offline, as A2I would: whether a human loop "
        "starts, every node's EvaluationResult, and the items reviewers would see. A RESPONSE "
        "is a DetectModerationLabels or AnalyzeDocument response (PascalCase or A2I's "
        "lowerCamel keys), an A2I output record (then the recorded results are checked), a "
        "JSON Lines file of those, or a folder (every *.json below it).",
    )
    p.add_argument("conditions", metavar="CONDITIONS", help="a .cond or .json conditions file")
    p.add_argument(
        "responses",
        metavar="RESPONSE",
        nargs="+",
        help="response files, folders, .jsonl files, s3://BUCKET/PREFIX/",
    )
    add_source_option(p, "conditions that neither say nor imply it")
    p.add_argument(
        "--expect",
        choices=sorted(EXPECTATIONS),
        help="every response must (activated) or must not (not-activated) start a human loop; "
        "each one that does not is listed and the exit status is 1",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per response (JSON Lines): Response, HumanLoopActivated, "
        "humanTaskActivationConditionResults, selectedAiServiceResponse, DependsOnSampling, "
        "SampledNodes, Draws, RecordDifferences (and Expected, MeetsExpectation with --expect)",
    )
    add_s3_arguments(p)
    p.set_defaults(func=run)


def documents(paths: list[str], s3: Any = None) -> Iterator[tuple[str, Any]]:
    """`(name, Response or ResponseError)` for every document the inputs name."""
    from ..evaluation.corpus import read_corpus

    return read_corpus(paths, s3)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import CompileError
    from ..evaluation.evaluate import evaluate, prepare
    from ..evaluation.responses import ResponseError

    try:
        conditions = load_conditions(args.conditions, args.source)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.text)
        return EXIT_PROBLEMS
    plan = prepare(conditions)
    status = EXIT_OK
    expected = None if args.expect is None else EXPECTATIONS[args.expect]
    unmet: list[str] = []
    interrupted = False
    try:
        for name, document in documents(args.responses, s3_options(args)):
            try:
                if isinstance(document, ResponseError):
                    raise document
                result = evaluate(plan, document)
            except ResponseError as exc:
                print(f"{exc.name}: error: {exc.message}", file=sys.stderr)
                status = EXIT_PROBLEMS
                continue
            meets = expected is None or result.human_loop_activated == expected
            if args.json:
                line = json_line(result, args.expect, meets)
                sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                for diff in result.differences or ():
                    print(f"{name}: differs from A2I's record: {diff}", file=sys.stderr)
            else:
                sys.stdout.write(render(plan, result) + "\n")
            if any(not d.sampled for d in result.differences or ()):
                status = EXIT_PROBLEMS
            if not meets:
                unmet.append(name)
                got = "starts a human loop" if result.human_loop_activated else "no human loop"
                draw = (
                    " (the verdict depends on a Sampling draw)"
                    if result.depends_on_sampling
                    else ""
                )
                print(
                    f"{name}: error: expected {args.expect}, but {got}{draw}",
                    file=sys.stderr,
                )
    except KeyboardInterrupt:
        interrupted = True
    sys.stdout.flush()
    if unmet:
        print(
            f"a2icond: {len(unmet)} response(s) did not meet --expect {args.expect}: "
            + ", ".join(unmet[:20])
            + (f", ... ({len(unmet) - 20} more)" if len(unmet) > 20 else ""),
            file=sys.stderr,
        )
        status = EXIT_PROBLEMS
    if interrupted:
        print("a2icond: interrupted; the responses above were evaluated", file=sys.stderr)
        return 130
    return status


def json_line(result: EvaluationResult, expect: str | None, meets: bool) -> dict[str, Any]:
    """One `eval --json` object: A2I's three parts, then how sure the verdict is."""
    line: dict[str, Any] = {"Response": result.name, **result.to_dict()}
    line["DependsOnSampling"] = result.depends_on_sampling
    line["SampledNodes"] = [".".join(map(str, p)) for p in result.sampled]
    line["Draws"] = [
        {
            "node": ".".join(map(str, d.path)),
            "percentage": d.percentage,
            "value": d.value,
            "holds": d.holds,
        }
        for d in result.draws
    ]
    line["RecordDifferences"] = (
        None
        if result.differences is None
        else [
            {"where": d.where, "message": d.message, "sampled": d.sampled}
            for d in result.differences
        ]
    )
    if expect is not None:
        line["Expected"] = expect
        line["MeetsExpectation"] = meets
    return line


# -- the human-readable report ----------------------------------------------------------------


def describe_condition(node: Mapping[str, Any]) -> str:
    """`ImportantFormKeyConfidenceCheck "Total:" aka "Total", ...: KeyValueBlockConfidence < 45`."""
    from ..model import (
        CONDITION_PARAMETERS,
        CONDITION_TYPE,
        KEY,
        KEY_ALIASES,
        LABEL_NAME,
        SAMPLING_PERCENTAGE,
        split_threshold,
    )

    params = node[CONDITION_PARAMETERS]
    kind = node[CONDITION_TYPE]
    parts = [kind]
    if LABEL_NAME in params:
        parts.append(json.dumps(params[LABEL_NAME], ensure_ascii=False))
    if KEY in params:
        parts.append(json.dumps(params[KEY], ensure_ascii=False))
        aliases = params.get(KEY_ALIASES) or []
        if aliases:
            parts.append("aka " + ", ".join(json.dumps(a, ensure_ascii=False) for a in aliases))
    if SAMPLING_PERCENTAGE in params:
        parts.append(f"{params[SAMPLING_PERCENTAGE]}%")
    tests = []
    for key, value in params.items():
        split = split_threshold(key)
        if split is not None:
            tests.append(f"{split[0]} {split[1]} {value}")
    text = " ".join(parts)
    return f"{text}: {' or '.join(tests)}" if tests else text


def render(plan: Plan, result: EvaluationResult) -> str:
    """The report for one response, for a terminal."""
    from .. import model

    verdict = "human loop starts" if result.human_loop_activated else "no human loop"
    if result.depends_on_sampling:
        verdict += " (depends on a Sampling draw)"
    lines = [f"{result.name}: {verdict}"]
    sampled = set(result.sampled)
    draws = {d.path: d for d in result.draws}

    def walk(node: Mapping[str, Any], path: tuple[int, ...], indent: int) -> None:
        label = "[" + ".".join(map(str, path)) + "]"
        value = "true" if node["EvaluationResult"] else "false"
        note = ""
        if path in draws:
            note = f" (draw {draws[path].value:.4f})"
        elif path in sampled:
            note = " (depends on a Sampling draw)"
        pad = "  " * indent
        for group in (model.AND, model.OR):
            if group in node:
                lines.append(f"{pad}{label} {group}: {value}{note}")
                for j, member in enumerate(node[group]):
                    walk(member, (*path, j), indent + 1)
                return
        lines.append(f"{pad}{label} {describe_condition(node)} -> {value}{note}")

    for i, member in enumerate(result.condition_results[model.CONDITIONS]):
        walk(member, (i,), 1)
    lines.append("  " + _describe_selection(result))
    if result.differences is not None:
        if not result.differences:
            nodes = len(result.node_results)
            lines.append(f"  A2I's record: all {nodes} results and the selection agree")
        else:
            lines.append(f"  A2I's record differs in {len(result.differences)} place(s):")
            lines.extend(f"    {d}" for d in result.differences)
    return "\n".join(lines)


def _describe_selection(result: EvaluationResult) -> str:
    items: list[Any] = next(iter(result.selected.values()), [])
    if not items:
        return "selected: nothing"
    if result.kind == "rekognition":
        names = ", ".join(
            f"{item.get('Name', item.get('name'))} "
            f"({item.get('Confidence', item.get('confidence'))})"
            for item in items
        )
        return f"selected: {len(items)} label(s): {names}"
    shown = []
    for block in items[:12]:
        kind = block.get("BlockType", block.get("blockType"))
        text = block.get("Text", block.get("text"))
        entity = block.get("EntityTypes", block.get("entityTypes")) or []
        what = (
            entity[0] if kind == "KEY_VALUE_SET" and isinstance(entity, list) and entity else kind
        )
        ident = block.get("Id", block.get("id"))
        shown.append(
            f"{what} {json.dumps(text, ensure_ascii=False)}" if text else f"{what} {ident}"
        )
    more = f", ... ({len(items) - 12} more)" if len(items) > 12 else ""
    return f"selected: {len(items)} block(s): {', '.join(shown)}{more}"
