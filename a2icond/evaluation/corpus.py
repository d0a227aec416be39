"""A corpus: every document named by a list of inputs, read in order, never stopping on one.

Inputs are local files (`.json`: one document; `.jsonl`, `.ndjson`, `.jsonlines`: one per
line), folders (every `*.json` below them, sorted), `s3://bucket/prefix/` URLs (see `s3`), and
already parsed documents (dicts). Each document comes out as `(name, Response)` or, when it
cannot be read or understood, `(name, ResponseError)`, so a caller counts and lists the bad
ones and carries on. Responses are decoded through the fast path (`decoding`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .decoding import read_responses
from .responses import Response, ResponseError, expand, normalize
from .s3 import S3Options, is_s3


def read_corpus(
    inputs: Iterable[Any], s3: S3Options | None = None
) -> Iterator[tuple[str, Response | ResponseError]]:
    """`(name, Response or ResponseError)` for every document the inputs name, in order."""
    for position, item in enumerate(inputs):
        if isinstance(item, Response):
            yield item.name, item
        elif isinstance(item, Mapping):
            name = f"<input {position}>"
            try:
                yield name, normalize(item, name)
            except ResponseError as exc:
                yield name, exc
        elif is_s3(item):
            from .s3 import read_url

            yield from read_url(item, s3 or S3Options())
        else:
            for path in expand([os.fspath(item)]):
                yield from read_responses(path)
