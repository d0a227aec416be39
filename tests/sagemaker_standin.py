"""A stand-in for the SageMaker flow-definition API, for tests and for trying `a2icond submit`.

It speaks the awsJson1_1 protocol botocore uses for SageMaker: `POST /` with
`X-Amz-Target: SageMaker.<Operation>` and a JSON body; errors are HTTP 400 with
`{"__type": "ResourceInUse", "message": "..."}`. It keeps flow definitions in memory
(Create / Describe / Delete, with `Initializing` and `Deleting` phases lasting a set number of
describes), records every request it receives, and plays scripted replies first when a test
queues them. It listens on 127.0.0.1 only, on an ephemeral port. moto has no flow definitions.

From the command line (serves until Ctrl-C):

    python -m tests.sagemaker_standin            # or: python tests/sagemaker_standin.py
    AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x a2icond submit FLOW.toml \\
        --region us-east-1 --endpoint-url http://127.0.0.1:PORT
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


@dataclass
class StandIn:
    """The server. Use as a context manager, or `start()` / `stop()`.

    `initializing_polls`: describes that answer `Initializing` before `Active`;
    `deleting_polls`: describes that answer `Deleting` before the name is free;
    `fail_reason`: when set, new definitions end `Failed` with this reason instead of `Active`.
    """

    region: str = "us-east-1"
    account: str = "111122223333"
    initializing_polls: int = 0
    deleting_polls: int = 0
    fail_reason: str = ""
    port: int = 0
    received: list[Received] = field(default_factory=list)
    flows: dict[str, _Flow] = field(default_factory=dict)
    _scripts: dict[str, deque[Reply | Callable[[dict[str, Any]], Reply]]] = field(
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
        return f"http://{host}:{port}"

    # -- scripting and inspection --

    def script(self, operation: str, *replies: Reply | Callable[[dict[str, Any]], Reply]) -> None:
        """Queue replies for `operation`; each is used once, before the in-memory behaviour."""
        self._scripts.setdefault(operation, deque()).extend(replies)

    def bodies(self, operation: str) -> list[dict[str, Any]]:
        """The JSON bodies received for `operation`, in order."""
        return [r.body for r in self.received if r.operation == operation]

    def operations(self) -> list[str]:
        return [r.operation for r in self.received]

    def arn(self, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account}:flow-definition/{name}"

    def put(self, request: dict[str, Any], status: str = "Active") -> None:
        """Pretend `request` was created earlier (for the ResourceInUse cases)."""
        name = request["FlowDefinitionName"]
        self.flows[name] = _Flow(dict(request), self.arn(name), status, time.time())

    # -- the service --

    def handle(self, operation: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            queue = self._scripts.get(operation)
            if queue:
                reply = queue.popleft()
                return reply(body) if callable(reply) else reply
            method = getattr(self, f"_op_{operation}", None)
            if method is None:
                return Reply.error("UnknownOperationException", f"unknown operation {operation}")
            return method(body)

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
    args = parser.parse_args()
    standin = StandIn(
        port=args.port or 0,
        initializing_polls=args.initializing_polls,
        deleting_polls=args.deleting_polls,
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
