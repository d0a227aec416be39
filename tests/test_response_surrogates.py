"""A response dict holding a lone surrogate, through the Python API (issue 8): refused with a
located `ResponseError`, as the file readers refuse one, never a `UnicodeEncodeError` from the
sampling seed. The seed is the response's UTF-8 bytes, the same from every SDK; a lone
surrogate has no UTF-8 bytes and no SDK sends one."""

from __future__ import annotations

from typing import Any

import pytest

import a2icond
from a2icond.evaluation.responses import Response, ResponseError, normalize

from .response_builders import Pair, rekognition, textract

SAMPLED = 'source rekognition\n\nsample 50% or label "Violence" confidence > 50\n'
UNSAMPLED = 'source rekognition\n\nlabel "Violence" confidence > 50\n'


def with_lone_surrogate() -> dict[str, Any]:
    doc = rekognition([("Violence", 80.0), ("Drugs", 10.0)])
    doc["ModerationLabels"][1]["ParentName"] = "Dru\ud800gs"
    return doc


@pytest.mark.parametrize("program", [SAMPLED, UNSAMPLED])
def test_evaluate_refuses_a_lone_surrogate_with_its_place(program: str) -> None:
    # refused whether or not the conditions sample: the response is not text either way
    with pytest.raises(ResponseError) as caught:
        a2icond.evaluate(a2icond.compile(program), with_lone_surrogate())
    message = str(caught.value)
    assert "lone surrogate" in message
    assert "ModerationLabels[1].ParentName" in message
    message.encode("utf-8")  # the message itself prints


def test_a_surrogate_in_a_key_or_a_textract_word_is_found_too() -> None:
    doc = textract([Pair("Name:")])
    doc["Blocks"][2]["Text"] = "\udfff"
    with pytest.raises(ResponseError, match=r"at Blocks\[2\]\.Text"):
        normalize(doc, "page.json")
    keyed = rekognition([("Violence", 80.0)])
    keyed["Extra\ud801"] = 1
    with pytest.raises(ResponseError, match=r"at Extra\\ud801 ") as caught:
        normalize(keyed)
    str(caught.value).encode("utf-8")


def test_simulate_counts_it_as_a_bad_response() -> None:
    report = a2icond.simulate(
        a2icond.compile(SAMPLED), [rekognition([("Violence", 80.0)]), with_lone_surrogate()]
    )
    assert (report.documents, report.errors) == (1, 1)
    [(name, message)] = report.failures
    assert name == "<input 1>" and "lone surrogate" in message


def test_a_response_built_by_hand_gets_a_response_error_from_the_seed() -> None:
    good = normalize(rekognition([("Violence", 80.0)]), "x")
    odd = Response(good.kind, good.style, with_lone_surrogate(), good.labels, name="by-hand")
    with pytest.raises(ResponseError, match="lone surrogate") as caught:
        odd.canonical_bytes()
    assert caught.value.name == "by-hand"
    with pytest.raises(ResponseError):
        a2icond.evaluate(a2icond.compile(SAMPLED), odd)


def test_paired_text_and_escaped_astral_characters_are_fine() -> None:
    doc = rekognition([("Violence", 80.0)])
    doc["ModerationLabels"][0]["ParentName"] = "\U0001f600 é"
    result = a2icond.evaluate(a2icond.compile(SAMPLED), doc)
    seed = normalize(doc).canonical_bytes()
    assert "\U0001f600 é".encode() in seed
    assert result.draws  # the seed was computed and drawn from
