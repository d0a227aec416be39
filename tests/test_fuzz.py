"""One Hypothesis fuzz target per reader, short enough for CI.

Each draws a seed and a mutation from `fuzz/targets.py` (the project's examples and small
responses, edited towards readers' edges) or plain text, and runs it through what the command
does with such a file. Passing means: read, or refused as bad input; never an exception escaping
(an internal error, exit 3) and never longer than the deadline. The long campaign with the same
targets is `python fuzz/campaign.py` (see fuzz/README.md).
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import TARGETS, mutate

FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=10),  # a hang, not a slow machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

mutated = st.integers(min_value=0, max_value=2**32)
raw = st.text(
    alphabet=st.sampled_from([*'label"X conf>d0123456789.%()\n#[]{}:,=\\u', "\ud800"]),
    max_size=200,
).map(lambda t: t.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("reader", sorted(TARGETS))
@FUZZ
@given(seed=mutated, text=raw, use_text=st.booleans())
def test_reader_never_fails_internally(reader: str, seed: int, text: bytes, use_text: bool) -> None:
    data = text if use_text else mutate(random.Random(seed), reader)
    assert TARGETS[reader](data) in ("ok", "refused")


@pytest.mark.parametrize("reader", sorted(TARGETS))
def test_every_seed_reads(reader: str) -> None:
    """The seeds themselves are good inputs, so the mutations start from real shapes."""
    from fuzz.targets import seeds

    outcomes = [TARGETS[reader](s.encode("utf-8")) for s in seeds(reader)[:8]]
    assert "ok" in outcomes
