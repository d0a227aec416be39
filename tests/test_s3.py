"""S3 as a corpus: real boto3 against moto's S3 server on 127.0.0.1 (started here, see
`tests/moto_s3.py`), with IAM enforced so that a key can really be denied.

Layouts: plain objects (`.json`, `.json.gz`, `.jsonl`), Textract asynchronous output
(`<prefix>/<JobId>/1`, `2`, ...) joined into one document, A2I output records
(`<prefix>/<flow>/YYYY/MM/DD/hh/mm/ss/<loop>/output.json`). Bad input is counted and listed with
its key, never a traceback.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from a2icond.evaluation.decoding import decode_response
from a2icond.evaluation.evaluate import evaluate, prepare
from a2icond.evaluation.responses import Response, ResponseError
from a2icond.evaluation.s3 import S3Options, flow_of, read_url
from a2icond.evaluation.simulation import simulate

from .moto_s3 import BUCKET, DENIED_PREFIX, S3Server, running_server
from .response_builders import conditions, key_check, label_check, missing, rekognition, sample

DATA = Path(__file__).parent / "data" / "responses"
REAL = DATA / "textract-analyzedocument-employment-application.json"
RECORD = DATA / "a2i-output-textract-real.json"


@pytest.fixture(scope="module")
def server() -> Iterator[S3Server]:
    yield from running_server()


@pytest.fixture(scope="module")
def guarded() -> Iterator[S3Server]:
    """A server enforcing IAM: GetObject under denied/ is refused."""
    yield from running_server(auth=True)


@pytest.fixture
def s3env(server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return server


def put(server: S3Server, key: str, body: bytes | str | dict[str, Any]) -> None:
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    server.client().put_object(Bucket=BUCKET, Key=key, Body=body)


def read_all(url: str, **options: Any) -> list[tuple[str, Response | ResponseError]]:
    return list(read_url(url, S3Options(**options)))


REK = conditions(label_check("Explicit", ConfidenceGreaterThan=90), sample(10))


def test_plain_objects_gzip_jsonl_and_pagination(s3env: S3Server) -> None:
    docs = [rekognition([("Explicit", 95.0)]), rekognition([("Drugs", 50.0)])]
    put(s3env, "plain/a.json", docs[0])
    put(s3env, "plain/b.json.gz", gzip.compress(json.dumps(docs[1]).encode()))
    put(s3env, "plain/c.jsonl", "".join(json.dumps(d) + "\n" for d in docs) + "\n")
    put(s3env, "plain/sub/d.json", docs[0])
    put(s3env, "plain/.s3_access_check", "")
    put(s3env, "plain/image.png", b"\x89PNG")
    found = read_all(f"s3://{BUCKET}/plain/", page_size=2, workers=3)
    names = [name for name, _ in found]
    assert names == [
        f"s3://{BUCKET}/plain/a.json",
        f"s3://{BUCKET}/plain/b.json.gz",
        f"s3://{BUCKET}/plain/c.jsonl:1",
        f"s3://{BUCKET}/plain/c.jsonl:2",
        f"s3://{BUCKET}/plain/sub/d.json",
    ]
    assert all(isinstance(r, Response) for _, r in found)
    assert [r.labels[0].name for _, r in found] == [  # type: ignore[union-attr]
        "Explicit",
        "Drugs",
        "Explicit",
        "Drugs",
        "Explicit",
    ]
    # the same corpus without a trailing slash, and one object by its key
    assert [n for n, _ in read_all(f"s3://{BUCKET}/plain")] == names
    assert [n for n, _ in read_all(f"s3://{BUCKET}/plain/a.json")] == names[:1]
    report = simulate(REK, [f"s3://{BUCKET}/plain/"])
    assert (report.documents, report.errors) == (5, 0)
    assert report.human_loops_expected == 3 + Fraction(2, 10)
    parallel = simulate(REK, [f"s3://{BUCKET}/plain/"], jobs=2)
    assert parallel == report


def split_pages(document: dict[str, Any], parts: int) -> list[dict[str, Any]]:
    """A response as GetDocumentAnalysis result pages: Blocks split, NextToken on all but the
    last (so KEY blocks and their VALUE / WORD blocks fall in different parts)."""
    blocks = document["Blocks"]
    size = -(-len(blocks) // parts)
    pages = []
    for i in range(parts):
        page = {
            "DocumentMetadata": document["DocumentMetadata"],
            "JobStatus": "SUCCEEDED",
            "Blocks": blocks[i * size : (i + 1) * size],
        }
        if i < parts - 1:
            page["NextToken"] = f"token-{i + 1}"
        pages.append(page)
    return pages


TEXTRACT = conditions(
    key_check("*", KeyValueBlockConfidenceLessThan=60),
    missing("Phone:"),
    key_check("*", WordBlockConfidenceLessThan=80),
)


def test_textract_async_output_is_joined_into_one_document(s3env: S3Server) -> None:
    whole = json.loads(REAL.read_bytes())
    for i, page in enumerate(split_pages(whole, 3), 1):
        put(s3env, f"textract/job-1/{i}", page)
    put(s3env, "textract/.s3_access_check", "")
    found = read_all(f"s3://{BUCKET}/textract/")
    assert [name for name, _ in found] == [f"s3://{BUCKET}/textract/job-1/"]
    joined = found[0][1]
    assert isinstance(joined, Response)
    direct = decode_response(REAL.read_bytes())
    assert joined.pairs == direct.pairs and len(direct.pairs) == 4
    plan = prepare(TEXTRACT)
    assert evaluate(plan, joined).condition_results == evaluate(plan, direct).condition_results
    assert [b["Id"] for b in joined.raw["Blocks"]] == [b["Id"] for b in whole["Blocks"]]
    assert "NextToken" not in joined.raw


def test_textract_parts_ten_and_more_are_ordered_numerically(s3env: S3Server) -> None:
    whole = json.loads(REAL.read_bytes())
    for i, page in enumerate(split_pages(whole, 11), 1):
        put(s3env, f"textract11/job/{i}", page)
    [(_, joined)] = read_all(f"s3://{BUCKET}/textract11/", page_size=4)
    assert isinstance(joined, Response), joined
    assert [b["Id"] for b in joined.raw["Blocks"]] == [b["Id"] for b in whole["Blocks"]]


def test_missing_textract_parts_are_reported_and_the_rest_evaluated(s3env: S3Server) -> None:
    pages = split_pages(json.loads(REAL.read_bytes()), 3)
    put(s3env, "gaps/job-a/1", pages[0])
    put(s3env, "gaps/job-a/3", pages[2])  # part 2 missing
    put(s3env, "gaps/job-b/1", pages[0])
    put(s3env, "gaps/job-b/2", pages[1])  # the last one still has a NextToken
    for i, page in enumerate(pages, 1):
        put(s3env, f"gaps/job-c/{i}", page)
    found = dict(read_all(f"s3://{BUCKET}/gaps/"))
    a, b, c = (found[f"s3://{BUCKET}/gaps/job-{x}/"] for x in "abc")
    assert isinstance(a, ResponseError) and "missing part(s) 2 of 3" in a.message
    assert isinstance(b, ResponseError) and "NextToken" in b.message
    assert isinstance(c, Response)
    report = simulate(TEXTRACT, [f"s3://{BUCKET}/gaps/"])
    assert (report.documents, report.errors) == (1, 2)


def test_a2i_output_record_layout(s3env: S3Server) -> None:
    key = "a2i/payroll-review/2026/11/28/10/15/42/loop-0001/output.json"
    put(s3env, key, RECORD.read_bytes())
    assert flow_of(key) == "payroll-review"
    [(name, record)] = read_all(f"s3://{BUCKET}/a2i/")
    assert name == f"s3://{BUCKET}/{key}"
    assert isinstance(record, Response) and record.recorded is not None


def test_bad_inputs_are_listed_with_their_keys(s3env: S3Server) -> None:
    good = rekognition([("Explicit", 95.0)])
    put(s3env, "bad/good.json", good)
    put(s3env, "bad/truncated.json", json.dumps(good)[:-5])
    put(s3env, "bad/truncated.json.gz", gzip.compress(json.dumps(good).encode())[:-8])
    put(s3env, "bad/not-a-response.json", {"Hello": "world"})
    report = simulate(REK, [f"s3://{BUCKET}/bad/", "s3://a2icond-no-such-bucket/x/"])
    assert report.documents == 1
    failures = dict(report.failures)
    assert report.errors == len(failures) == 4
    assert "not valid JSON" in failures[f"s3://{BUCKET}/bad/truncated.json"]
    assert "gzip" in failures[f"s3://{BUCKET}/bad/truncated.json.gz"]
    assert "neither" in failures[f"s3://{BUCKET}/bad/not-a-response.json"]
    assert "no such bucket" in failures["s3://a2icond-no-such-bucket/x/"]


@pytest.fixture
def guarded_env(guarded: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    for key, value in guarded.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return guarded


def test_a_denied_key_is_listed_and_the_rest_evaluated(guarded_env: S3Server) -> None:
    good = rekognition([("Explicit", 95.0)])
    put(guarded_env, "ok.json", good)
    put(guarded_env, f"{DENIED_PREFIX}secret.json", good)
    report = simulate(REK, [f"s3://{BUCKET}/", f"s3://{BUCKET}/{DENIED_PREFIX}secret.json"])
    assert report.documents == 1
    denied = f"s3://{BUCKET}/{DENIED_PREFIX}secret.json"
    assert [name for name, _ in report.failures] == [denied, denied]
    assert all("access denied (AccessDenied" in message for _, message in report.failures)


def test_cli_over_s3_lists_bad_keys_without_a_traceback(
    guarded_env: S3Server, tmp_path: Path
) -> None:
    s3env = guarded_env
    put(s3env, "cli.json", rekognition([("Explicit", 95.0)]))
    put(s3env, f"{DENIED_PREFIX}cli.json", rekognition([("Explicit", 95.0)]))
    cond = tmp_path / "r.cond"
    cond.write_text('label "Explicit" confidence > 90\n', "utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "a2icond",
            "simulate",
            str(cond),
            f"s3://{BUCKET}/cli.json",
            f"s3://{BUCKET}/{DENIED_PREFIX}cli.json",
            "--region",
            "us-east-1",
            "--s3-concurrency",
            "4",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert (report["documents"], report["errors"], report["humanLoopsExpected"]) == (1, 1, 1.0)
    assert f"s3://{BUCKET}/{DENIED_PREFIX}cli.json: error: cannot read: access denied" in out.stderr
    assert "Traceback" not in out.stderr


def test_profile_from_a_config_file(
    s3env: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(s3env, "profile/a.json", rekognition([("Explicit", 95.0)]))
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[corpus]\naws_access_key_id = {s3env.access_key}\n"
        f"aws_secret_access_key = {s3env.secret_key}\n",
        "utf-8",
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    [(_, doc)] = read_all(f"s3://{BUCKET}/profile/", profile="corpus")
    assert isinstance(doc, Response)
    [(name, error)] = read_all(f"s3://{BUCKET}/profile/", profile="nobody")
    assert isinstance(error, ResponseError) and "nobody" in error.message
    assert name == f"s3://{BUCKET}/profile/"


def test_eval_reads_s3_and_meets_expectations(
    s3env: S3Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from a2icond.cli import main

    put(s3env, "golden/a.json", rekognition([("Explicit", 95.0)]))
    put(
        s3env, "golden/b.json.gz", gzip.compress(json.dumps(rekognition([("Drugs", 5.0)])).encode())
    )
    cond = tmp_path / "r.cond"
    cond.write_text('label "Explicit" confidence > 90\n', "utf-8")
    code = main(["eval", str(cond), f"s3://{BUCKET}/golden/", "--expect", "activated", "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["Response"], line["MeetsExpectation"]) for line in lines] == [
        (f"s3://{BUCKET}/golden/a.json", True),
        (f"s3://{BUCKET}/golden/b.json.gz", False),
    ]
    assert f"s3://{BUCKET}/golden/b.json.gz: error: expected activated" in err


def test_audit_groups_s3_records_by_the_flow_in_their_key(s3env: S3Server) -> None:
    from a2icond.evaluation.audit import audit

    doc = json.loads(RECORD.read_bytes())
    doc.pop("flowDefinitionArn", None)
    put(s3env, "audit/payroll/2026/11/28/10/15/42/loop-1/output.json", doc)
    put(s3env, "audit/payroll/2026/11/28/10/16/00/loop-2/output.json", "{")
    report = audit([f"s3://{BUCKET}/audit/"])
    assert set(report.flows) == {"payroll"}
    assert (report.total.agree, report.total.unreadable) == (1, 1)
    assert report.failures[0][0].endswith("loop-2/output.json")


class _SlowProxy:
    """A proxy on 127.0.0.1 that holds every GetObject for `delay` seconds before forwarding it
    to moto, and records how many were in flight at once: S3 latency, made visible."""

    def __init__(self, upstream: str, delay: float) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        self.in_flight = 0
        self.most = 0
        lock = threading.Lock()
        host = urlsplit(upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                is_object = "list-type" not in self.path
                if is_object:
                    with lock:
                        proxy.in_flight += 1
                        proxy.most = max(proxy.most, proxy.in_flight)
                    time.sleep(delay)
                try:
                    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                    conn.request("GET", self.path, headers=dict(self.headers))
                    reply = conn.getresponse()
                    body = reply.read()
                    self.send_response(reply.status)
                    for key, value in reply.getheaders():
                        if key.lower() not in ("transfer-encoding", "connection"):
                            self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                    conn.close()
                finally:
                    if is_object:
                        with lock:
                            proxy.in_flight -= 1

            do_HEAD = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def test_objects_are_read_concurrently(s3env: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(16):
        put(s3env, f"slow/{i:02d}.json", rekognition([("Explicit", 95.0)]))
    proxy = _SlowProxy(s3env.endpoint, delay=0.3)
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        found = read_all(f"s3://{BUCKET}/slow/", workers=8)
    finally:
        proxy.close()
    assert [n for n, _ in found] == [f"s3://{BUCKET}/slow/{i:02d}.json" for i in range(16)]
    assert all(isinstance(r, Response) for _, r in found)
    assert proxy.most >= 4  # several GETs waited on the network at the same time


def test_dask_workers_read_s3_themselves(s3env: S3Server) -> None:
    pytest.importorskip("distributed")
    docs = [rekognition([("Explicit", 80.0 + i)]) for i in range(20)]
    for i, doc in enumerate(docs):
        put(s3env, f"dask/{i:02d}.json", doc)
    pages = split_pages(json.loads(REAL.read_bytes()), 2)
    for i, page in enumerate(pages, 1):
        put(s3env, f"dask/job/{i}", page)
    put(s3env, "dask/zz-broken.json", "{")
    conditions_ = conditions(label_check("Explicit", ConfidenceGreaterThan=90), sample(10))
    url = f"s3://{BUCKET}/dask/"
    here = simulate(conditions_, [url])
    assert (here.documents, here.errors) == (20, 2)  # the Textract job is the wrong service
    assert simulate(conditions_, [url], scheduler="local", jobs=2) == here
