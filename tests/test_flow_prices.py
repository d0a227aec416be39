"""Public-workforce prices: every allowed price converts exactly, others are refused.

The allowed lists are read here from the boto3 reference text (tests/data/flow/), independently
of `a2icond.aws.prices`, so a typo in the module's table fails these tests.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from a2icond.aws import prices
from a2icond.aws.flow import FlowDefinition
from a2icond.aws.validation import validate_request

REFERENCE = Path(__file__).parent / "data" / "flow" / "create_flow_definition.boto3.txt"
PUBLIC = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"
PRIVATE = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/x"
SECTIONS = {
    "textract": "Textract AnalyzeDocument Important Form Key",
    "rekognition": "Rekognition DetectModerationLabels",
    "custom": "Amazon Augmented AI custom human review tasks",
}


def reference_prices(heading: str) -> list[str]:
    text = REFERENCE.read_text()
    start = text.index(heading)
    end = text.find("Use one of the following prices", start + 1)
    end = text.index("AmountInUsd (dict)") if end < 0 else end
    return re.findall(r"•\s+(\d\.\d{3})", text[start:end])


CASES = [(kind, price) for kind, heading in SECTIONS.items() for price in reference_prices(heading)]


def test_reference_lists_were_read() -> None:
    counts = {kind: len(reference_prices(h)) for kind, h in SECTIONS.items()}
    assert counts == {"textract": 26, "rekognition": 16, "custom": 16}
    assert {k: sorted(v, key=Decimal) for k, v in prices.ALLOWED_PRICES.items()} == {
        k: sorted(reference_prices(h), key=Decimal) for k, h in SECTIONS.items()
    }


def flow(kind: str, price: object, workteam: str = PUBLIC) -> FlowDefinition:
    conditions = {
        "textract": '{"Conditions":[{"ConditionType":"MissingImportantFormKey",'
        '"ConditionParameters":{"ImportantFormKey":"Total"}}]}',
        "rekognition": 'label "Explicit" confidence > 90',
        "custom": None,
    }[kind]
    return FlowDefinition(
        name="priced",
        conditions=conditions,
        role_arn="arn:aws:iam::111122223333:role/A2I",
        workteam_arn=workteam,
        human_task_ui_arn="arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/ui",
        task_title="t",
        task_description="d",
        task_count=1,
        price_usd=price,  # type: ignore[arg-type]
        output_s3="s3://bucket/out/",
    )


@pytest.mark.parametrize(("kind", "price"), CASES)
def test_every_allowed_price_converts_exactly(kind: str, price: str) -> None:
    request = flow(kind, price).to_request()
    amount = request["HumanLoopConfig"]["PublicWorkforceTaskPrice"]["AmountInUsd"]
    dollars, fraction = price.split(".")
    assert amount == {
        "Dollars": int(dollars),
        "Cents": int(fraction[:2]),
        "TenthFractionsOfACent": int(fraction[2]),
    }
    assert prices.from_amount(amount) == Decimal(price)


@pytest.mark.parametrize(
    ("given", "amount"),
    [
        ("0.036", (0, 3, 6)),
        (0.036, (0, 3, 6)),
        (Decimal("0.036"), (0, 3, 6)),
        ("$0.036", (0, 3, 6)),
        ("1.2", (1, 20, 0)),
        ("2.400", (2, 40, 0)),
        ("0.012", (0, 1, 2)),
    ],
)
def test_price_spellings(given: object, amount: tuple[int, int, int]) -> None:
    assert tuple(prices.to_amount(prices.parse_price(given)).values()) == amount


@pytest.mark.parametrize("kind", ["textract", "rekognition", "custom"])
def test_0_037_is_refused(kind: str) -> None:
    problems = flow(kind, "0.037").problems()
    assert [p.path for p in problems] == ["HumanLoopConfig.PublicWorkforceTaskPrice.AmountInUsd"]
    assert problems[0].text.endswith("(got 0.037)")
    assert "0.036, 0.048" in problems[0].message


def test_textract_only_prices_are_refused_for_rekognition() -> None:
    assert flow("textract", "2.400").problems() == []
    (problem,) = flow("rekognition", "2.400").problems()
    assert "Rekognition" in problem.message and problem.text.endswith("(got 2.400)")


@pytest.mark.parametrize("bad", ["abc", "0.0365", "-0.036", True, "", "nan"])
def test_malformed_prices(bad: object) -> None:
    (problem,) = flow("custom", bad).problems()
    assert problem.path == "HumanLoopConfig.PublicWorkforceTaskPrice"


def test_price_needs_the_public_workforce_and_back() -> None:
    (problem,) = flow("custom", "0.036", workteam=PRIVATE).problems()
    assert problem.path == "HumanLoopConfig.PublicWorkforceTaskPrice"
    assert "only to the public workforce" in problem.message
    (problem,) = flow("custom", None).problems()
    assert problem.text.startswith("HumanLoopConfig.PublicWorkforceTaskPrice: is required")


def test_raw_request_price_is_checked_too() -> None:
    request = flow("rekognition", "0.036").to_request()
    request["HumanLoopConfig"]["PublicWorkforceTaskPrice"]["AmountInUsd"]["Cents"] = 4
    (problem,) = validate_request(request)
    assert problem.text.endswith("(got 0.046)")
