"""Semantic checks on the AST: everything the grammar cannot say.

Reports every error it finds in one pass (source, keys, ranges, strings, groups, `not`), each at
the token that is wrong, and decides the file's source for lowering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ast
from .diagnostics import Diagnostic, Span
from .model import CONFIDENCE_RANGE, SAMPLING_RANGE, Source

if TYPE_CHECKING:
    from .closematch import CloseMatcher

#: Key-name comparisons per file spent on "did you mean" for undeclared keys (each undeclared
#: name costs one per declared key); past it, only a match in another case is suggested.
MAX_KEY_HINT_WORK = 500_000

_FLIP: dict[ast.Comparator, ast.Comparator] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


@dataclass
class Analysis:
    """What the checker learned: the source, the declared keys, and the diagnostics."""

    source: Source | None
    keys: dict[str, ast.KeyDecl] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class _Checker:
    def __init__(self, program: ast.Program, filename: str) -> None:
        self.program = program
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []
        self.keys: dict[str, ast.KeyDecl] = {}
        # for `_suggest_key`: (keys when built, matcher, lower-cased names, answers so far)
        self._key_hints: tuple[int, CloseMatcher, dict[str, str], dict[str, str | None]] | None = (
            None
        )
        self._key_hint_work = 0

    def error(self, span: Span, message: str, hint: str = "", *, code: str) -> None:
        self.diagnostics.append(
            Diagnostic.at(span, message, filename=self.filename, hint=hint, code=code)
        )

    # -- the file's source -------------------------------------------------------------------

    def decide_source(self, caller: Source | None) -> Source | None:
        program = self.program
        if program.source and caller and program.source != caller:
            self.error(
                program.source_span,
                f"this file is for {program.source}, but {caller} was asked for",
                hint="drop --source (or the API's source=), or change the `source` line",
                code="A2I020",
            )
        declared = program.source or caller
        if declared:
            return declared
        kinds = [
            (atom.span.start, "rekognition" if isinstance(atom, ast.LabelCheck) else "textract")
            for atom in self.atoms
            if isinstance(atom, ast.LabelCheck | ast.KeyCheck | ast.MissingKey)
        ]
        kinds += [(decl.span.start, "textract") for decl in program.keys]
        if kinds:
            return min(kinds)[1]  # type: ignore[return-value]
        if program.body is not None:
            self.error(
                self.atoms[0].span if self.atoms else program.body.span,
                "cannot tell the source: the file has only `sample` conditions",
                hint="add `source rekognition` or `source textract` at the top, or give the "
                "source (CLI --source, API source=)",
                code="A2I021",
            )
        return None

    def check_source_fit(self, source: Source | None) -> None:
        if source == "rekognition":
            for decl in self.program.keys:
                self.error(
                    decl.span,
                    "a key declaration in a Rekognition file: form keys are for Textract",
                    code="A2I022",
                )
            for atom in self.atoms:
                if isinstance(atom, ast.KeyCheck | ast.MissingKey):
                    self.error(
                        atom.span,
                        "a key condition in a Rekognition file: form keys are for Textract",
                        hint="Rekognition conditions check moderation labels "
                        '(`label "X" confidence > 90`)',
                        code="A2I022",
                    )
        elif source == "textract":
            for atom in self.atoms:
                if isinstance(atom, ast.LabelCheck):
                    self.error(
                        atom.span,
                        "a label condition in a Textract file: moderation labels are for "
                        "Rekognition",
                        hint='Textract conditions check form keys (`key "Total:" confidence < 60`)',
                        code="A2I022",
                    )

    # -- keys ----------------------------------------------------------------------------------

    def check_declarations(self) -> None:
        for decl in self.program.keys:
            if decl.name in self.keys:
                first = self.keys[decl.name]
                self.error(
                    decl.name_span,
                    f"key {decl.name!r} is already declared (line {first.name_span.line})",
                    code="A2I023",
                )
                continue
            self.keys[decl.name] = decl
            self.check_key_strings(decl.text, decl.text_span, decl.aliases, decl.alias_spans)

    def check_key_strings(
        self, text: str, text_span: Span, aliases: tuple[str, ...], alias_spans: tuple[Span, ...]
    ) -> None:
        if not text:
            self.error(text_span, "the key text is empty", code="A2I025")
        for alias, span in zip(aliases, alias_spans, strict=True):
            if not alias:
                self.error(span, "the alias is empty", code="A2I025")
        if text == ast.ANY and aliases:
            self.error(
                alias_spans[0],
                'key "*" means any key and takes no aliases',
                code="A2I026",
            )

    def resolve(self, ref: ast.KeyRef) -> ast.Key | None:
        """The key a reference names; reports undeclared names."""
        if isinstance(ref, ast.Key):
            return ref
        decl = self.keys.get(ref.name)
        if decl is not None:
            return ast.Key(decl.text, decl.aliases, ref.span, decl.text_span, decl.alias_spans)
        close = self._suggest_key(ref.name)
        message = f"undeclared key {ref.name!r}"
        hint = ""
        if close:
            message += f"; did you mean {close!r}?"
        elif not self.keys:
            hint = f'declare it first: key {ref.name} = "Key text"'
        self.error(ref.span, message, hint=hint, code="A2I024")
        return None

    def _suggest_key(self, name: str) -> str | None:
        """The declared key `name` nearly is (difflib's closest spelling, else the same letters
        in another case), for the first `MAX_KEY_HINT_WORK` name comparisons of the file: a
        1 MiB file can declare 9,000 keys and name 9,000 undeclared ones (81 million pairs)."""
        hints = self._key_hints
        if hints is None or hints[0] != len(self.keys):
            from .closematch import CloseMatcher  # only for an undeclared key

            lowered = {k.lower(): k for k in self.keys}
            hints = self._key_hints = (len(self.keys), CloseMatcher(list(self.keys)), lowered, {})
        _, matcher, lowered, seen = hints
        if name in seen:
            return seen[name]
        if self._key_hint_work + len(self.keys) > MAX_KEY_HINT_WORK:
            return lowered.get(name.lower())  # past the budget: the same letters only
        self._key_hint_work += len(self.keys)
        found = matcher.best(name) or lowered.get(name.lower())
        seen[name] = found
        return found

    # -- atoms ---------------------------------------------------------------------------------

    def check_atom(self, atom: ast.Atom) -> None:
        if isinstance(atom, ast.LabelCheck):
            if not atom.label:
                self.error(atom.label_span, "the label name is empty", code="A2I025")
            self.check_test(atom.test, for_label=True)
        elif isinstance(atom, ast.KeyCheck):
            key = atom.key
            if isinstance(key, ast.Key):
                self.check_key_strings(key.text, key.text_span, key.aliases, key.alias_spans)
            else:
                self.resolve(key)
            self.check_test(atom.test, for_label=False)
        elif isinstance(atom, ast.MissingKey):
            self.check_missing(atom)
        elif isinstance(atom, ast.Sampling):
            self.check_range(atom.percent, SAMPLING_RANGE, "a sampling percentage")

    def check_missing(self, atom: ast.MissingKey) -> None:
        if atom.key is None:
            if not self.program.keys:
                self.error(
                    atom.span,
                    "`any key missing` needs declared keys, and this file declares none",
                    hint='declare the keys that must be present: key total = "Total:"',
                    code="A2I027",
                )
            for decl in self.program.keys:
                if decl.text == ast.ANY:
                    self.error(
                        atom.span,
                        f'`any key missing` includes key {decl.name!r}, which is "*" '
                        "(any key) and cannot be missing",
                        code="A2I026",
                    )
            return
        if isinstance(atom.key, ast.Key):
            self.check_key_strings(
                atom.key.text, atom.key.text_span, atom.key.aliases, atom.key.alias_spans
            )
            key: ast.Key | None = atom.key
        else:
            key = self.resolve(atom.key)
        if key is not None and key.text == ast.ANY:
            self.error(
                atom.span,
                'key "*" means any key; it cannot be `missing`',
                hint="`any key missing` checks every declared key",
                code="A2I026",
            )

    def check_test(self, test: ast.Test, *, for_label: bool) -> None:
        if isinstance(test, ast.Threshold):
            self.check_threshold(test, for_label)
        elif isinstance(test, ast.Between):
            if for_label and test.word:
                self.error(
                    test.span, "`word confidence` applies to form keys, not labels", code="A2I028"
                )
            low_ok = self.check_range(test.low, CONFIDENCE_RANGE, "a confidence threshold")
            high_ok = self.check_range(test.high, CONFIDENCE_RANGE, "a confidence threshold")
            if low_ok and high_ok and test.low.value > test.high.value:
                self.error(
                    test.span,
                    f"`between {test.low.text} and {test.high.text}` is empty: the lower bound "
                    "comes first",
                    hint=f"write `between {test.high.text} and {test.low.text}`",
                    code="A2I030",
                )
        else:
            seen: dict[tuple[bool, str], ast.Threshold] = {}
            for threshold in test.thresholds:
                self.check_threshold(threshold, for_label)
                name = (threshold.word, threshold.op)
                if name in seen:
                    measure = "word confidence" if threshold.word else "confidence"
                    self.error(
                        threshold.span,
                        f"`{measure} {threshold.op}` appears twice in this group; a condition "
                        "carries each threshold once",
                        hint="split it into two conditions joined by `or`",
                        code="A2I031",
                    )
                else:
                    seen[name] = threshold

    def check_threshold(self, threshold: ast.Threshold, for_label: bool) -> None:
        if for_label and threshold.word:
            self.error(
                threshold.span, "`word confidence` applies to form keys, not labels", code="A2I028"
            )
        self.check_range(threshold.value, CONFIDENCE_RANGE, "a confidence threshold")

    def check_range(self, number: ast.Number, bounds: tuple[float, float], what: str) -> bool:
        low, high = bounds
        if "." not in number.text and len(number.text) > ast.MAX_INT_DIGITS:
            self.error(
                number.span,
                f"a number with {len(number.text)} digits; a2icond reads integers of at most "
                f"{ast.MAX_INT_DIGITS} digits",
                code="A2I029",
            )
            return False
        if not low <= number.value <= high:
            unit = "%" if what.startswith("a sampling") else ""
            got = number.text if len(number.text) <= 40 else f"a {len(number.text)}-digit number"
            self.error(
                number.span,
                f"{what} must be from {low:g}{unit} to {high:g}{unit} (got {got}{unit})",
                code="A2I029",
            )
            return False
        return True

    def check_not(self, node: ast.Not) -> None:
        from dataclasses import replace

        from . import printer

        message = "A2I conditions have no negation: `not` cannot be compiled"
        operand = node.operand
        if (
            isinstance(operand, ast.LabelCheck | ast.KeyCheck)
            and isinstance(operand.test, ast.Threshold)
            and operand.test.op in _FLIP
        ):
            flipped = replace(operand, test=replace(operand.test, op=_FLIP[operand.test.op]))
            what = "label" if isinstance(operand, ast.LabelCheck) else "key"
            message += (
                f"; `{printer.atom(flipped)}` is close but not equivalent: it still needs the "
                f"{what} to be present, while `not ({printer.atom(operand)})` would also hold "
                f"when the {what} is absent"
            )
        self.error(
            node.keyword_span, message, hint="rewrite the condition without `not`", code="A2I032"
        )

    # -- the whole program ---------------------------------------------------------------------

    def run(self, caller: Source | None) -> Analysis:
        program = self.program
        self.atoms = list(ast.atoms(program.body)) if program.body is not None else []
        self.check_declarations()
        source = self.decide_source(caller)
        self.check_source_fit(source)
        if program.body is None:
            where = program.keys[-1].span if program.keys else Span(1, 1, 1, 1)
            self.error(
                Span(where.end_line, where.end_column, where.end_line, where.end_column + 1)
                if program.keys
                else where,
                "the file has no condition",
                hint='write one, such as `label "Explicit" confidence > 90` or `sample 5%`',
                code="A2I033",
            )
        else:
            for node in ast.walk(program.body):
                if isinstance(node, ast.Not):
                    self.check_not(node)
            for atom in self.atoms:
                self.check_atom(atom)
        return Analysis(source, self.keys, self.diagnostics)


def check(
    program: ast.Program,
    *,
    source: Source | None = None,
    filename: str = "<string>",
) -> Analysis:
    """Check `program`; `source` is the caller's (CLI --source, API source=), if any."""
    return _Checker(program, filename).run(source)
