"""S3 as a corpus: `s3://bucket/prefix/` listed, read concurrently, in the layouts AWS writes.

- Every object under the prefix whose name ends in `.json` (one document), `.jsonl`,
  `.ndjson` or `.jsonlines` (one per line), optionally followed by `.gz`, is read; so is every
  A2I output record (`<prefix>/<flow>/YYYY/MM/DD/hh/mm/ss/<loop>/output.json`).
- Textract asynchronous output (`<prefix>/<JobId>/1`, `2`, ...: numbered GetDocumentAnalysis
  result pages) is joined into one document per job before evaluation; a part missing from the
  numbering, or a last part that still carries a `NextToken`, is reported for that job.
- Gzip is recognized by its magic bytes, whatever the name or `ContentEncoding`.
- Other objects (Textract's `.s3_access_check`, images, manifests) are skipped.

Listing is paginated and streamed (memory does not grow with the number of keys); objects are
fetched by a thread pool with a bounded number in flight, and documents come out in listing
order. Credentials, region and endpoint are resolved by boto3 as usual (`AWS_PROFILE`,
`AWS_ENDPOINT_URL_S3`, ...), or from `S3Options`. Nothing here raises for bad input: a missing
bucket, a denied key, a truncated object or a missing part is a `ResponseError` naming the key,
and the rest of the corpus is still read. boto3 is imported only when an S3 input is read.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .decoding import decode_or_error, decode_pages
from .responses import JSONL_SUFFIXES, Response, ResponseError

#: Objects fetched at once (also the size of the connection pool).
DEFAULT_WORKERS = 16
#: Units queued ahead of the one being decoded (bounds memory).
AHEAD = 2

_PART = re.compile(r"^[0-9]+$")
_RECORD = re.compile(
    r"(?:^|/)(?P<flow>[^/]+)/(?P<date>\d{4}/\d{2}/\d{2}/\d{2}/\d{2}/\d{2})/(?P<loop>[^/]+)/"
    r"output\.json$"
)


@dataclass(frozen=True)
class S3Options:
    """How to reach S3: a profile, a region and the number of concurrent reads.

    Anything left None is resolved by boto3 (environment, config files, instance roles); the
    endpoint comes from `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` as boto3 reads them.
    """

    profile: str | None = None
    region: str | None = None
    workers: int = DEFAULT_WORKERS
    page_size: int | None = None  # keys per ListObjectsV2 call (None: S3's 1,000)


def is_s3(item: object) -> bool:
    return isinstance(item, str) and item.startswith("s3://")


def split_url(url: str) -> tuple[str, str]:
    """`s3://bucket/key` -> `("bucket", "key")`; raises `ValueError` for a URL with no bucket."""
    rest = url[len("s3://") :]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise ValueError(f"{url}: not an S3 URL (s3://BUCKET/PREFIX)")
    return bucket, key


def flow_of(key: str) -> str | None:
    """The flow definition name in an A2I output record's key, or None."""
    match = _RECORD.search(key)
    return match.group("flow") if match else None


def client(options: S3Options) -> Any:
    """A boto3 S3 client for these options (thread-safe: one serves the whole pool). Made per
    run, not cached, so a changed environment (credentials, endpoint) is always honoured."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(profile_name=options.profile, region_name=options.region)
    return session.client(
        "s3",
        config=Config(
            max_pool_connections=max(10, options.workers),
            retries={"max_attempts": 4, "mode": "standard"},
        ),
    )


@dataclass(frozen=True)
class Unit:
    """One document's worth of objects: a single object, or a Textract job's numbered parts."""

    name: str
    bucket: str
    keys: tuple[str, ...]
    job: bool = False
    missing: tuple[int, ...] = ()


def _wanted(key: str) -> bool:
    base = key.rsplit("/", 1)[-1].lower()
    if base.endswith(".gz"):
        base = base[:-3]
    return base.endswith(".json") or base.endswith(JSONL_SUFFIXES)


def _is_jsonl(key: str) -> bool:
    base = key.lower()
    if base.endswith(".gz"):
        base = base[:-3]
    return base.endswith(JSONL_SUFFIXES)


def _error_text(exc: BaseException) -> str:
    """A one-line message for a botocore / boto3 failure (never a traceback)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        code = str(error.get("Code", "")) or "error"
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        described = {
            "NoSuchBucket": "no such bucket",
            "NoSuchKey": "no such key",
            "AccessDenied": "access denied",
            "403": "access denied",
            "404": "not found",
        }.get(code)
        message = str(error.get("Message", "") or "")
        what = described or message or code
        return f"{what} ({code}{f', HTTP {status}' if status else ''})"
    return f"{type(exc).__name__}: {exc}"


def list_units(url: str, options: S3Options) -> Iterator[Unit | ResponseError]:
    """The documents under an S3 URL, in listing order (paginated, streamed).

    A URL naming one object reads that object; otherwise it is a prefix (a trailing `/` is
    added when the URL names a "folder").
    """
    try:
        bucket, prefix = split_url(url)
    except ValueError as exc:
        yield ResponseError(str(exc).split(": ", 1)[1], url)
        return
    try:
        s3 = client(options)
        if prefix and not prefix.endswith("/"):
            try:
                s3.head_object(Bucket=bucket, Key=prefix)
            except Exception as exc:  # a prefix, a missing bucket, a denied key ...
                code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
                if code in ("403", "AccessDenied"):  # an object we may not read: say so
                    yield Unit(url, bucket, (prefix,))
                    return
                if code not in ("404", "NoSuchKey"):
                    raise
            else:
                yield Unit(url, bucket, (prefix,))
                return
            prefix += "/"
        yield from _list_prefix(s3, bucket, prefix, options.page_size)
    except ResponseError as exc:
        yield exc
    except Exception as exc:  # botocore's errors, connection failures
        yield ResponseError(f"cannot list: {_error_text(exc)}", url)


def _list_prefix(s3: Any, bucket: str, prefix: str, page_size: int | None) -> Iterator[Unit]:
    paginator = s3.get_paginator("list_objects_v2")
    job: str | None = None  # the folder of the Textract job being collected
    parts: list[tuple[int, str]] = []
    found = False

    def finish() -> Unit:
        parts.sort()
        numbers = [n for n, _ in parts]
        missing = tuple(sorted(set(range(1, numbers[-1] + 1)) - set(numbers)))
        return Unit(
            f"s3://{bucket}/{job}/", bucket, tuple(k for _, k in parts), job=True, missing=missing
        )

    config = {"PageSize": page_size} if page_size else {}
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix, PaginationConfig=config):
        for item in page.get("Contents", ()):
            key = item["Key"]
            found = True
            folder, _, base = key.rpartition("/")
            if job is not None and folder != job and not key.startswith(job + "/"):
                yield finish()
                job, parts = None, []
            if _PART.match(base) and folder:
                if job is not None and job != folder:
                    yield finish()
                if job != folder:
                    job, parts = folder, []
                parts.append((int(base), key))
            elif _wanted(key):
                yield Unit(f"s3://{bucket}/{key}", bucket, (key,))
    if job is not None:
        yield finish()
    if not found:
        raise ResponseError("no objects under this prefix", f"s3://{bucket}/{prefix}")


def fetch(s3: Any, bucket: str, key: str) -> bytes:
    """An object's bytes, gunzipped when they are gzip. Raises `ResponseError`."""
    name = f"s3://{bucket}/{key}"
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
    except Exception as exc:  # ClientError, IncompleteRead, connection errors
        raise ResponseError(f"cannot read: {_error_text(exc)}", name) from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise ResponseError(f"not a complete gzip stream: {exc}", name) from None
    return data


def _read_unit(s3: Any, unit: Unit) -> list[tuple[str, Response | ResponseError]]:
    """Fetch and decode one unit (runs in a pool thread: the fetches overlap)."""
    if unit.job:
        if unit.missing:
            listed = ", ".join(map(str, unit.missing))
            return [
                (
                    unit.name,
                    ResponseError(
                        f"Textract output is missing part(s) {listed} of "
                        f"{len(unit.keys) + len(unit.missing)}",
                        unit.name,
                    ),
                )
            ]
        try:
            parts = [(f"s3://{unit.bucket}/{k}", fetch(s3, unit.bucket, k)) for k in unit.keys]
            last = parts[-1][1]
            if b'"NextToken"' in last and _has_next_token(last):
                raise ResponseError(
                    f"the last part ({len(parts)}) has a NextToken: later parts are missing",
                    unit.name,
                )
            return [(unit.name, decode_pages(parts, unit.name))]
        except ResponseError as exc:
            return [(unit.name, exc)]
    key = unit.keys[0]
    try:
        data = fetch(s3, unit.bucket, key)
    except ResponseError as exc:
        return [(unit.name, exc)]
    if _is_jsonl(key):
        out: list[tuple[str, Response | ResponseError]] = []
        for number, line in enumerate(data.splitlines(), 1):
            if line.strip():
                name = f"{unit.name}:{number}"
                out.append((name, decode_or_error(line, name, one_line=True)))
        return out
    return [(unit.name, decode_or_error(data, unit.name))]


def _has_next_token(data: bytes) -> bool:
    import json

    try:
        document = json.loads(data)
    except ValueError:
        return False
    return isinstance(document, dict) and bool(document.get("NextToken"))


def read_units(
    units: Iterable[Unit | ResponseError], options: S3Options
) -> Iterator[tuple[str, Response | ResponseError]]:
    """Documents of the units, fetched by a thread pool, yielded in the units' order."""
    s3: Any = None
    pool = ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="a2i-s3")
    pending: list[Future[list[tuple[str, Response | ResponseError]]] | ResponseError] = []
    limit = max(1, options.workers) * AHEAD
    try:
        source = iter(units)
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                try:
                    unit = next(source)
                except StopIteration:
                    exhausted = True
                    break
                if isinstance(unit, ResponseError):
                    pending.append(unit)
                else:
                    if s3 is None:
                        try:
                            s3 = client(options)
                        except Exception as exc:  # no credentials file, bad profile, ...
                            pending.append(ResponseError(_error_text(exc), unit.name))
                            continue
                    pending.append(pool.submit(_read_unit, s3, unit))
            if not pending:
                break
            head = pending.pop(0)
            if isinstance(head, ResponseError):
                yield head.name, head
            else:
                yield from head.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def read_url(url: str, options: S3Options) -> Iterator[tuple[str, Response | ResponseError]]:
    """Every document under an S3 URL, as `(name, Response or ResponseError)`."""
    yield from read_units(list_units(url, options), options)
