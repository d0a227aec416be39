"""A2I's words and limits: the names of the JSON model and the numbers A2I enforces.

Plain constants with no imports beyond `typing`, so that start-up paths (`check` answering from
its cache, argument parsing) can name a source without loading the model's classes. `model.py`
re-exports every name; the rest of the package may import from either.
"""

from __future__ import annotations

from typing import Literal

#: The source of a flow definition's requests: the one `Source` type of the package.
Source = Literal["rekognition", "textract"]
SOURCES: tuple[Source, ...] = ("rekognition", "textract")

#: `HumanLoopRequestSource.AwsManagedHumanLoopRequestSource` for each source.
REQUEST_SOURCE: dict[Source, str] = {
    "rekognition": "AWS/Rekognition/DetectModerationLabels/Image/V3",
    "textract": "AWS/Textract/AnalyzeDocument/Forms/V1",
}

# -- A2I's words: the document's keys, condition types and parameter names ----------------------

CONDITIONS = "Conditions"
AND = "And"
OR = "Or"
CONDITION_TYPE = "ConditionType"
CONDITION_PARAMETERS = "ConditionParameters"

LABEL_CHECK = "ModerationLabelConfidenceCheck"
KEY_CHECK = "ImportantFormKeyConfidenceCheck"
MISSING_KEY = "MissingImportantFormKey"
SAMPLING = "Sampling"

LABEL_NAME = "ModerationLabelName"
KEY = "ImportantFormKey"
KEY_ALIASES = "ImportantFormKeyAliases"
SAMPLING_PERCENTAGE = "RandomSamplingPercentage"
ANY = "*"  # A2I's wildcard for label and key names

#: The condition types each source accepts.
CONDITION_TYPES: dict[Source, tuple[str, ...]] = {
    "rekognition": (LABEL_CHECK, SAMPLING),
    "textract": (KEY_CHECK, MISSING_KEY, SAMPLING),
}

#: The comparators, as the language writes them.
Comparator = Literal["<", "<=", ">", ">=", "="]
#: Comparator suffix of a threshold parameter, by comparator.
OP_SUFFIX: dict[Comparator, str] = {
    "<": "LessThan",
    "<=": "LessThanEquals",
    ">": "GreaterThan",
    ">=": "GreaterThanEquals",
    "=": "Equals",
}
#: Threshold parameter prefixes: label confidence, key-value block and word block confidence.
LABEL_PREFIX = "Confidence"
KEY_VALUE_PREFIX = "KeyValueBlockConfidence"
WORD_PREFIX = "WordBlockConfidence"
#: The threshold prefixes each confidence-check type takes.
THRESHOLD_PREFIXES: dict[str, tuple[str, ...]] = {
    LABEL_CHECK: (LABEL_PREFIX,),
    KEY_CHECK: (KEY_VALUE_PREFIX, WORD_PREFIX),
}

#: Where a `CreateFlowDefinition` request (and a `describe-flow-definition` response) keeps the
#: conditions, as a JSON string.
CONDITIONS_PATH: tuple[str, ...] = (
    "HumanLoopActivationConfig",
    "HumanLoopActivationConditionsConfig",
    "HumanLoopActivationConditions",
)

# -- A2I's limits, defined here only (the parser, checker, lowering, JSON loader and messages
# read them from here; tests/test_model_vocabulary.py holds the schema files to them) ---------

#: A confidence threshold, in percent (inclusive).
CONFIDENCE_RANGE: tuple[int, int] = (0, 100)
#: `RandomSamplingPercentage` (inclusive).
SAMPLING_RANGE: tuple[float, int] = (0.01, 100)
#: Levels of And/Or below `Conditions`.
MAX_DEPTH = 2
#: The depth limit as messages say it.
DEPTH_LIMIT = f"{('zero', 'one', 'two', 'three')[MAX_DEPTH]} levels of And/Or below Conditions"
#: Characters of compact JSON (UTF-16 code units, see `json_length`).
MAX_JSON_LENGTH = 10_240
