"""Public-workforce task prices: the allowed amounts per task type, and their conversion.

A2I pays Mechanical Turk workers only the fixed amounts listed in the boto3 reference for
`create_flow_definition` (`HumanLoopConfig.PublicWorkforceTaskPrice`); any other amount is
rejected by AWS at create time. The lists are copied from that reference because botocore's
service model does not carry them. Prices are handled as `Decimal` so that "0.036" converts to
exactly 0 dollars, 3 cents and 6 tenths of a cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

TaskType = Literal["textract", "rekognition", "custom"]

_CENTS_TIERS = (
    "0.012 0.024 0.036 0.048 0.060 0.072 0.120 0.240 0.360 0.480 0.600 0.720 0.840 0.960 "
    "1.080 1.200"
)

_TEXTRACT_TIERS = "1.320 1.440 1.560 1.680 1.800 1.920 2.040 2.160 2.280 2.400"

#: Allowed prices in US dollars, from the boto3 `create_flow_definition` reference:
#: "Textract AnalyzeDocument Important Form Key", "Rekognition DetectModerationLabels" and
#: "Amazon Augmented AI custom human review tasks".
ALLOWED_PRICES: dict[TaskType, tuple[str, ...]] = {
    "textract": (*_CENTS_TIERS.split(), *_TEXTRACT_TIERS.split()),
    "rekognition": tuple(_CENTS_TIERS.split()),
    "custom": tuple(_CENTS_TIERS.split()),
}

TASK_TYPE_NAMES: dict[TaskType, str] = {
    "textract": "Textract AnalyzeDocument form review",
    "rekognition": "Rekognition DetectModerationLabels review",
    "custom": "custom human review",
}


class PriceError(ValueError):
    """A price that is not a number of US dollars with at most three decimals."""


def parse_price(value: Any) -> Decimal:
    """`"0.036"`, `0.036` or `Decimal("0.036")` as a Decimal; bools and junk are refused."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PriceError('must be a price in US dollars such as "0.036"')
    text = str(value).strip().removeprefix("$") if not isinstance(value, float) else repr(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise PriceError('must be a price in US dollars such as "0.036"') from None
    if not amount.is_finite() or amount < 0:
        raise PriceError("must be a positive amount of US dollars")
    if amount.adjusted() >= 6:  # before quantize, which cannot hold 1e400 in 28 digits
        raise PriceError('must be a price in US dollars such as "0.036" (far too large)')
    if amount != amount.quantize(Decimal("0.001")):
        raise PriceError("must be a whole number of tenths of a cent (at most 3 decimals)")
    return amount.quantize(Decimal("0.001"))


def to_amount(price: Decimal) -> dict[str, int]:
    """`Decimal("0.036")` -> `{"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}`."""
    tenths = int(price * 1000)
    return {
        "Dollars": tenths // 1000,
        "Cents": tenths % 1000 // 10,
        "TenthFractionsOfACent": tenths % 10,
    }


def from_amount(amount: Mapping[str, Any]) -> Decimal:
    """The inverse of `to_amount`; absent members count as 0 (as AWS reads them)."""
    dollars = int(amount.get("Dollars") or 0)
    cents = int(amount.get("Cents") or 0)
    tenths = int(amount.get("TenthFractionsOfACent") or 0)
    return (Decimal(dollars * 1000 + cents * 10 + tenths) / 1000).quantize(Decimal("0.001"))


def is_allowed(price: Decimal, task_type: TaskType) -> bool:
    return format(price, ".3f") in ALLOWED_PRICES[task_type]


def allowed_text(task_type: TaskType) -> str:
    """The allowed prices, ascending, for an error message."""
    return ", ".join(sorted(ALLOWED_PRICES[task_type], key=Decimal))
