"""A stand-in for the SageMaker flow-definition API, for a2icond's tests and for yours.

It speaks the awsJson1_1 protocol botocore uses for SageMaker: `POST /` with
`X-Amz-Target: SageMaker.<Operation>` and a JSON body; errors are HTTP 400 with
`{"__type": "ResourceInUse", "message": "..."}`. It keeps flow definitions in memory:
CreateFlowDefinition, DescribeFlowDefinition, DeleteFlowDefinition, ListFlowDefinitions (paged),
ListTags (paged), AddTags and DeleteTags, with `Initializing` and `Deleting` phases lasting a set
number of describes and a `Failed` end state with a `FailureReason`. It records every request it
receives and plays scripted replies first when a test queues them. It listens on 127.0.0.1 only.
moto has no flow definitions.

In a test (any client works: boto3 signs, the stand-in checks a signature is present):

    with StandIn(initializing_polls=1) as sagemaker:
        client = boto3.client("sagemaker", endpoint_url=sagemaker.url, region_name="us-east-1")
        ...
        assert sagemaker.operations() == ["CreateFlowDefinition", "DescribeFlowDefinition"]

From the command line (serves until Ctrl-C):

    python -m a2icond.testing.sagemaker --port 8777
    AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x a2icond submit FLOW.toml \\
        --region us-east-1 --endpoint-url http://127.0.0.1:8777
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class Reply:
    """A scripted reply: HTTP status and JSON body."""

    status: int
    body: dict[str, Any]

    @classmethod
    def error(cls, type_: str, message: str, status: int = 400) -> Reply:
        return cls(status, {"__type": type_, "message": message})

    @classmethod
    def ok(cls, body: dict[str, Any] | None = None) -> Reply:
        return cls(200, body or {})


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    operation: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class _Flow:
    request: dict[str, Any]
    arn: str
    status: str
    created: float
    polls_left: int = 0
    failure_reason: str = ""
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass
class StandIn:
    """The server. Use as a context manager, or `start()` / `stop()`.

    `initializing_polls`: describes that answer `Initializing` before `Active`;
    `deleting_polls`: describes that answer `Deleting` before the name is free;
    `fail_reason`: when set, new definitions end `Failed` with this reason instead of `Active`;
    `page_size`: the most items a List call returns when the caller gives no MaxResults.
    """

    region: str = "us-east-1"
    account: str = "111122223333"
    initializing_polls: int = 0
    deleting_polls: int = 0
    fail_reason: str = ""
    page_size: int = 50
    port: int = 0
    received: list[Received] = field(default_factory=list)
    flows: dict[str, _Flow] = field(default_factory=dict)
    _scripts: dict[str, deque[Reply | Callable[[dict[str, Any]], Reply | None]]] = field(
        default_factory=dict
    )
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- lifecycle --

    def start(self) -> StandIn:
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- scripting and inspection --

    def script(
        self, operation: str, *replies: Reply | Callable[[dict[str, Any]], Reply | None]
    ) -> None:
        """Queue replies for `operation`; each is used once, before the in-memory behaviour.

        A callable gets the request body; returning None lets the in-memory behaviour answer.
        """
        self._scripts.setdefault(operation, deque()).extend(replies)

    def bodies(self, operation: str) -> list[dict[str, Any]]:
        """The JSON bodies received for `operation`, in order."""
        return [r.body for r in self.received if r.operation == operation]

    def operations(self) -> list[str]:
        return [r.operation for r in self.received]

    def arn(self, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account}:flow-definition/{name}"

    def put(
        self,
        request: dict[str, Any],
        status: str = "Active",
        *,
        failure_reason: str = "",
        created: float | None = None,
    ) -> None:
        """Pretend `request` was created earlier (for the ResourceInUse cases), tags and all."""
        name = request["FlowDefinitionName"]
        flow = _Flow(
            dict(request), self.arn(name), status, time.time() if created is None else created
        )
        flow.failure_reason = failure_reason
        flow.tags = [dict(t) for t in request.get("Tags", [])]
        if status == "Deleting":
            flow.polls_left = self.deleting_polls
        self.flows[name] = flow

    def tags(self, name: str) -> dict[str, str]:
        """The tags of flow definition `name`, as a dict."""
        return {t["Key"]: t["Value"] for t in self.flows[name].tags}

    # -- the service --

    def handle(self, operation: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            queue = self._scripts.get(operation)
            scripted = queue.popleft() if queue else None
        if scripted is not None:  # a callable runs outside the lock: requests may overlap
            answer = scripted(body) if callable(scripted) else scripted
            if answer is not None:
                return answer
        with self._lock:
            method = getattr(self, f"_op_{operation}", None)
            if method is None:
                return Reply.error("UnknownOperationException", f"unknown operation {operation}")
            try:
                reply: Reply = method(body)
            except _Refused as refused:
                return refused.reply
            return reply

    def _op_CreateFlowDefinition(self, body: dict[str, Any]) -> Reply:
        name = body.get("FlowDefinitionName")
        if not isinstance(name, str) or not name:
            return Reply.error("ValidationException", "FlowDefinitionName is required")
        if name in self.flows:
            return Reply.error(
                "ResourceInUse",
                f"Cannot create FlowDefinition {name}: a flow definition with this name exists",
            )
        flow = _Flow(dict(body), self.arn(name), "Initializing", time.time())
        flow.tags = [dict(t) for t in body.get("Tags", [])]
        flow.polls_left = self.initializing_polls
        if self.fail_reason:
            flow.failure_reason = self.fail_reason
        self.flows[name] = flow
        self._advance(flow)
        return Reply.ok({"FlowDefinitionArn": flow.arn})

    def _advance(self, flow: _Flow) -> None:
        if flow.status == "Initializing" and flow.polls_left <= 0:
            flow.status = "Failed" if flow.failure_reason else "Active"

    def _op_DescribeFlowDefinition(self, body: dict[str, Any]) -> Reply:
        name = body.get("FlowDefinitionName", "")
        flow = self.flows.get(name)
        if flow is None:
            return Reply.error("ResourceNotFound", f"Could not find flow definition {name}")
        if flow.status == "Deleting" and flow.polls_left <= 0:
            del self.flows[name]
            return Reply.error("ResourceNotFound", f"Could not find flow definition {name}")
        response = {k: v for k, v in flow.request.items() if k != "Tags"}
        response.update(
            FlowDefinitionArn=flow.arn,
            FlowDefinitionStatus=flow.status,
            CreationTime=flow.created,
        )
        if flow.status == "Failed":
            response["FailureReason"] = flow.failure_reason
        if flow.status in ("Initializing", "Deleting"):
            flow.polls_left -= 1
            self._advance(flow)
        return Reply.ok(response)

    def _op_DeleteFlowDefinition(self, body: dict[str, Any]) -> Reply:
        name = body.get("FlowDefinitionName", "")
        flow = self.flows.get(name)
        if flow is None:
            return Reply.error("ResourceNotFound", f"Could not find flow definition {name}")
        if self.deleting_polls <= 0:
            del self.flows[name]
        else:
            flow.status = "Deleting"
            flow.polls_left = self.deleting_polls
        return Reply.ok({})

    def _by_arn(self, arn: Any) -> _Flow | None:
        return next((f for f in self.flows.values() if f.arn == arn), None)

    def _page(self, items: list[Any], body: dict[str, Any]) -> tuple[list[Any], str | None]:
        """One page of `items` from `NextToken` (an offset, opaque to the caller)."""
        size = int(body.get("MaxResults") or self.page_size)
        try:
            start = int(body.get("NextToken") or 0)
        except ValueError:
            start = -1
        if start < 0 or start > len(items):
            raise _Refused(Reply.error("ValidationException", "invalid NextToken"))
        end = start + size
        return items[start:end], (str(end) if end < len(items) else None)

    def _op_ListFlowDefinitions(self, body: dict[str, Any]) -> Reply:
        flows = sorted(self.flows.values(), key=lambda f: f.created)
        if body.get("SortOrder", "Descending") == "Descending":
            flows.reverse()
        after, before = body.get("CreationTimeAfter"), body.get("CreationTimeBefore")
        flows = [
            f
            for f in flows
            if (after is None or f.created > after) and (before is None or f.created < before)
        ]
        page, token = self._page(flows, body)
        summaries = []
        for f in page:
            summary = {
                "FlowDefinitionName": f.request["FlowDefinitionName"],
                "FlowDefinitionArn": f.arn,
                "FlowDefinitionStatus": f.status,
                "CreationTime": f.created,
            }
            if f.status == "Failed":
                summary["FailureReason"] = f.failure_reason
            summaries.append(summary)
        reply: dict[str, Any] = {"FlowDefinitionSummaries": summaries}
        if token:
            reply["NextToken"] = token
        return Reply.ok(reply)

    def _op_ListTags(self, body: dict[str, Any]) -> Reply:
        flow = self._by_arn(body.get("ResourceArn"))
        if flow is None:
            return Reply.error("ResourceNotFound", f"no resource {body.get('ResourceArn')}")
        page, token = self._page(flow.tags, body)
        reply: dict[str, Any] = {"Tags": page}
        if token:
            reply["NextToken"] = token
        return Reply.ok(reply)

    def _op_AddTags(self, body: dict[str, Any]) -> Reply:
        flow = self._by_arn(body.get("ResourceArn"))
        if flow is None:
            return Reply.error("ResourceNotFound", f"no resource {body.get('ResourceArn')}")
        for tag in body.get("Tags", []):
            flow.tags = [t for t in flow.tags if t["Key"] != tag["Key"]] + [dict(tag)]
        return Reply.ok({"Tags": body.get("Tags", [])})

    def _op_DeleteTags(self, body: dict[str, Any]) -> Reply:
        flow = self._by_arn(body.get("ResourceArn"))
        if flow is None:
            return Reply.error("ResourceNotFound", f"no resource {body.get('ResourceArn')}")
        keys = set(body.get("TagKeys", []))
        flow.tags = [t for t in flow.tags if t["Key"] not in keys]
        return Reply.ok({})


class _Refused(Exception):
    """Raised by an operation to answer with an error reply."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # one write per reply: no Nagle / delayed-ACK stall on keep-alive

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            target = self.headers.get("X-Amz-Target", "")
            service, _, operation = target.partition(".")
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"__unparsable__": raw.decode("utf-8", "replace")}
            standin.received.append(Received(operation, body, dict(self.headers.items())))
            if service != "SageMaker" or self.path != "/":
                reply = Reply.error("UnknownOperationException", f"bad target {target!r}")
            elif not self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 "):
                reply = Reply.error("MissingAuthenticationTokenException", "request not signed")
            else:
                reply = standin.handle(operation, body)
            data = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", JSON_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            if standin.port:  # command-line use: show the traffic
                super().log_message(format, *args)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    parser.add_argument("--initializing-polls", type=int, default=1)
    parser.add_argument("--deleting-polls", type=int, default=1)
    parser.add_argument(
        "--fail-reason", default="", help="new definitions end Failed with this reason"
    )
    parser.add_argument("--page-size", type=int, default=50, help="items per List page")
    args = parser.parse_args()
    standin = StandIn(
        port=args.port or 0,
        initializing_polls=args.initializing_polls,
        deleting_polls=args.deleting_polls,
        fail_reason=args.fail_reason,
        page_size=args.page_size,
    )
    standin.start()
    standin.port = standin.port or 1  # turn request logging on
    print(f"SageMaker stand-in listening on {standin.url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
