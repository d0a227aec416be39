"""Every diagnostic code a2icond reports: code -> name, severity, one-line summary.

Errors are `A2I0xx`, warnings `A2I1xx`. Codes are stable: a code is never reused for another
meaning. Each code has a documentation page, `docs/codes/CODE.md`, shipped in the wheel as
`a2icond/docs/codes/CODE.md`; `a2icond explain CODE` prints it. `tests/test_codes.py` checks that
registry, pages and every `Diagnostic` made in the package agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """One diagnostic code."""

    code: str
    name: str
    severity: Severity
    summary: str


def _e(code: str, name: str, summary: str) -> Code:
    return Code(code, name, "error", summary)


def _w(code: str, name: str, summary: str) -> Code:
    return Code(code, name, "warning", summary)


#: Every code, in order.
REGISTRY: tuple[Code, ...] = (
    # -- reading the text ----------------------------------------------------------------------
    _e("A2I001", "syntax-error", "the text does not follow the condition language's grammar"),
    _e("A2I002", "unknown-keyword", "a word where a keyword belongs, probably a misspelt one"),
    _e("A2I003", "invalid-character", "a character the condition language has no use for"),
    _e("A2I004", "invalid-string", "an unterminated string, or a bad escape in one"),
    _e("A2I010", "unreadable-file", "the file cannot be read, or is not UTF-8 text"),
    _e("A2I011", "file-too-large", "the file is larger than a2icond reads (1 MiB)"),
    _e("A2I012", "invalid-json", "a .json file that is not valid JSON"),
    # -- meaning -------------------------------------------------------------------------------
    _e("A2I020", "source-conflict", "the file's source differs from the one asked for"),
    _e("A2I021", "source-unknown", "only sampling conditions, so the source cannot be told"),
    _e("A2I022", "mixed-sources", "Rekognition and Textract conditions in one file"),
    _e("A2I023", "duplicate-key", "a key name declared twice"),
    _e("A2I024", "undeclared-key", "a key name used without a declaration"),
    _e("A2I025", "empty-name", "an empty key text, alias or label name"),
    _e("A2I026", "any-key-misuse", 'key "*" (any key) with aliases, or checked for `missing`'),
    _e("A2I027", "missing-without-keys", "`any key missing` in a file that declares no keys"),
    _e("A2I028", "word-confidence-on-label", "`word confidence` on a label"),
    _e("A2I029", "out-of-range", "a threshold or sampling percentage outside its range"),
    _e("A2I030", "empty-between", "`between A and B` with A greater than B"),
    _e("A2I031", "repeated-threshold", "the same threshold twice in one group"),
    _e("A2I032", "negation", "`not`: A2I conditions have no negation"),
    _e("A2I033", "no-condition", "a file without any condition"),
    # -- A2I's limits --------------------------------------------------------------------------
    _e("A2I040", "too-deep", "And/Or groups nested deeper than A2I allows"),
    _e("A2I041", "too-long", "conditions longer than A2I's 10,240 characters"),
    # -- JSON activation conditions ------------------------------------------------------------
    _e("A2I050", "bare-condition", 'a condition not wrapped in {"Conditions": [...]}'),
    _e("A2I051", "schema-violation", "JSON conditions that A2I's schema for the source refuses"),
    _e("A2I052", "unknown-name", "an unknown condition type, parameter or key in JSON conditions"),
    _e("A2I053", "no-conditions", "a file that holds no activation conditions a2icond can read"),
    _e(
        "A2I054",
        "invalid-code",
        "a code file that does not parse, or that sends its conditions wrong",
    ),
    # -- flow files ----------------------------------------------------------------------------
    _e("A2I060", "invalid-flow", "a flow file or CreateFlowDefinition request with a bad field"),
    _e("A2I061", "invalid-toml", "a flow file that is not valid TOML"),
    # -- a2icond itself ------------------------------------------------------------------------
    _e("A2I090", "internal-error", "a bug in a2icond: its own output failed its own checks"),
    # -- warnings ------------------------------------------------------------------------------
    _w("A2I101", "unknown-label", "a label name Rekognition never returns"),
    _w("A2I102", "model-6.1-label", "a Rekognition model 6.1 label name that model 7 renamed"),
    _w("A2I103", "never-holds", "a condition that can never be true"),
    _w("A2I104", "always-holds", "a threshold every confidence passes"),
    _w("A2I105", "duplicate-member", "a member repeated in the same and/or chain"),
    _w("A2I106", "alias-equals-key", "an alias equal to its key's own text"),
    _w("A2I107", "repeated-alias", "the same alias twice in one list"),
    _w("A2I108", "shared-key-text", "two declared keys that match the same form key"),
    _w("A2I109", "sample-everything", "`sample 100%`: every request goes to review"),
    _w("A2I110", "unused-ignore", "an ignore comment with an unknown code, or silencing nothing"),
    _w("A2I111", "fractional-confidence", "a threshold between 0 and 1: confidence runs to 100"),
    _w("A2I120", "any-key-aliases", '"ImportantFormKey": "*" with aliases, which change nothing'),
    _w("A2I130", "built-at-run-time", "conditions in code built at run time (a note: not checked)"),
    _w("A2I150", "flow-warning", "a flow definition that is valid but probably wrong"),
)

CODES: dict[str, Code] = {c.code: c for c in REGISTRY}
_BY_NAME: dict[str, Code] = {c.name: c for c in REGISTRY}


def lookup(code_or_name: str) -> Code | None:
    """The code `A2I024` (any case) or named `undeclared-key`, or None."""
    text = code_or_name.strip()
    return CODES.get(text.upper()) or _BY_NAME.get(text.lower())


def severity_of(code: str) -> Severity:
    """`error` for A2I0xx, `warning` for A2I1xx."""
    return "warning" if code[3:4] == "1" else "error"


def _pages_dir() -> Path | None:
    """The installed pages (in the wheel) or, in a source checkout, `docs/codes/`."""
    packaged = resources.files("a2icond").joinpath("docs/codes")
    if packaged.is_dir():
        return Path(str(packaged))
    here = Path(__file__).resolve().parent.parent / "docs" / "codes"
    return here if here.is_dir() else None


def page(code: str) -> str | None:
    """The documentation page of `code` (Markdown), or None when this install lacks it."""
    folder = _pages_dir()
    if folder is None:
        return None
    path = folder / f"{code}.md"
    return path.read_text("utf-8") if path.is_file() else None


def documented(code: str) -> bool:
    """Whether `a2icond explain CODE` can show a page for `code` in this install."""
    return code in CODES and page(code) is not None
