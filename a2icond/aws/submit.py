"""Talking to SageMaker: clients, errors, describe, create, wait, delete, and comparing a
desired request with a deployed definition.

There is no update API for flow definitions (only tags change in place). `submit` plans and
applies (`a2icond.aws.plan`): `unchanged` or `equivalent` (conditions compared by meaning,
`a2icond.equivalence`), tags updated, or with `replace=True` delete, wait until gone, create
again. Throttling is retried by botocore's standard retry mode (bounded attempts with backoff);
a role that IAM has not finished propagating is retried, bounded, as the Terraform provider
does. Every failure becomes a `SubmitError` with one clean line saying what to do (never a
traceback, never a credential).

boto3 and botocore are imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .validation import CONDITIONS_PATH, Problem, format_value

#: Used in the User-Agent so AWS-side logs show where a request came from.
USER_AGENT = "a2icond"
#: `HumanLoopConfig.TaskTimeLimitInSeconds` when absent (the boto3 reference says so).
DEFAULT_TIME_LIMIT = 3600
#: ValidationException messages meaning "the role exists but IAM has not propagated it yet".
_ROLE_NOT_READY = re.compile(
    r"(?:unable|could ?not|cannot|can't|failed) to assume|not authorized to (?:perform: )?"
    r"sts:AssumeRole|assume ?role|role\b.*\b(?:does not exist|is not valid|not found)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Timing:
    """How long to wait and how often to poll; tests use tiny values."""

    poll_interval: float = 2.0
    timeout: float = 600.0
    #: Retry a create refused because the role is not assumable yet, for at most this long.
    iam_retry_timeout: float = 120.0
    iam_retry_max_delay: float = 10.0


@dataclass(frozen=True)
class SubmitResult:
    """What `submit` did: `created`, `replaced`, `unchanged` (or `submitted` without waiting)."""

    action: str
    arn: str
    status: str
    name: str = ""
    iam_retries: int = 0

    def line(self) -> str:
        """The one line the CLI prints: `created ARN (Active)`."""
        return f"{self.action} {self.arn} ({self.status})"


class SubmitError(Exception):
    """A refusal or failure from AWS, as one line; `.differences` for an existing definition."""

    def __init__(
        self, message: str, *, differences: list[Problem] | None = None, hint: str = ""
    ) -> None:
        self.message = redact(" ".join(message.split()))
        self.differences = list(differences or [])
        self.hint = hint
        super().__init__(self.message)


# --- clients and errors ------------------------------------------------------------------------


def make_client(
    *,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    max_attempts: int = 4,
) -> Any:
    """A SageMaker client with botocore's standard retry mode.

    With `endpoint_url` None boto3 itself honours `AWS_ENDPOINT_URL_SAGEMAKER` /
    `AWS_ENDPOINT_URL` and the profile's `endpoint_url`.
    """
    with aws_errors("creating the SageMaker client"):
        import boto3
        from botocore.config import Config

        from .. import __version__

        session = boto3.session.Session(profile_name=profile, region_name=region)
        if session.region_name is None and os.environ.get("AWS_REGION"):
            # botocore reads AWS_DEFAULT_REGION only; AWS_REGION is what Lambda and CI set.
            session = boto3.session.Session(
                profile_name=profile, region_name=os.environ["AWS_REGION"]
            )
        config = Config(
            retries={"mode": "standard", "max_attempts": max_attempts},
            user_agent_extra=f"{USER_AGENT}/{__version__}",
            connect_timeout=10,
            read_timeout=60,
        )
        return session.client("sagemaker", endpoint_url=endpoint_url, config=config)


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def error_message(exc: BaseException, doing: str = "") -> str:
    """One line for a botocore/boto3 exception, without secrets."""
    from botocore import exceptions as bx

    prefix = f"{doing}: " if doing else ""
    if isinstance(exc, bx.NoCredentialsError):
        return (
            "no AWS credentials found: use --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, or log in with `aws sso login`"
        )
    if isinstance(exc, bx.PartialCredentialsError):
        return f"incomplete AWS credentials: {exc}"
    if isinstance(exc, bx.ProfileNotFound):
        return f"AWS profile not found: {exc.kwargs.get('profile', '')}"
    if isinstance(exc, bx.NoRegionError):
        return (
            "no AWS region: use --region, set AWS_REGION or AWS_DEFAULT_REGION, or give the "
            "profile a region"
        )
    if isinstance(
        exc, bx.TokenRetrievalError | bx.SSOTokenLoadError | bx.UnauthorizedSSOTokenError
    ):
        return "the AWS SSO session has expired or is missing: run `aws sso login` and retry"
    if isinstance(exc, bx.EndpointConnectionError):
        return (
            f"{prefix}cannot connect to {exc.kwargs.get('endpoint_url', 'the endpoint')}: "
            "check the network, --region and --endpoint-url (or AWS_ENDPOINT_URL_SAGEMAKER)"
        )
    if isinstance(exc, bx.ConnectTimeoutError | bx.ReadTimeoutError):
        return (
            f"{prefix}timed out talking to {exc.kwargs.get('endpoint_url', 'AWS')}: "
            "check the network and retry"
        )
    if isinstance(exc, bx.ClientError):
        code = error_code(exc)
        text = str(exc.response.get("Error", {}).get("Message", "")) or code
        if code in (
            "ExpiredToken",
            "ExpiredTokenException",
            "RequestExpired",
            "TokenRefreshRequired",
        ):
            return "the AWS credentials have expired: refresh them (e.g. `aws sso login`) and retry"
        if code in (
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
            "IncompleteSignature",
        ):
            return f"AWS rejected the credentials ({code}): check the profile or access keys"
        action = f"sagemaker:{exc.operation_name}" if exc.operation_name else "this action"
        if code in ("AccessDenied", "AccessDeniedException"):
            return (
                f"{prefix}access denied: {text}; allow {action} in the caller's IAM policy "
                "(and iam:PassRole on the role for a create)"
            )
        if code == "ResourceLimitExceeded":
            return (
                f"{prefix}an AWS limit was reached: {text}; delete unused flow definitions "
                "(a2icond list) or ask AWS for a higher quota"
            )
        if code in ("ThrottlingException", "Throttling", "TooManyRequestsException"):
            return (
                f"{prefix}AWS is throttling requests (still, after retries): {text}; wait a "
                "minute and retry, or submit fewer flows at once"
            )
        if code == "ValidationException":
            return f"{prefix}AWS rejected the request: {text}"
        if code in ("ResourceNotFound", "ResourceNotFoundException"):
            return f"{prefix}not found: {text}; check the name and the region"
        if code in ("InternalFailure", "ServiceUnavailable", "InternalServerError"):
            return f"{prefix}AWS had an internal error ({code}): {text}; retry later"
        return f"{prefix}{code}: {text}"
    if isinstance(exc, bx.ParamValidationError):
        return f"{prefix}botocore rejected the request: {exc}"
    return f"{prefix}{type(exc).__name__}: {exc}"


def redact(text: str) -> str:
    """`text` with any credential from the environment blanked out."""
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        secret = os.environ.get(name)
        if secret and len(secret) >= 4:
            text = text.replace(secret, "****")
    return text


@contextmanager
def aws_errors(doing: str = "") -> Iterator[None]:
    """Turn botocore's exceptions into `SubmitError`s with one clean line."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        raise SubmitError(error_message(exc, doing)) from exc


# --- the lifecycle -----------------------------------------------------------------------------


def describe(client: Any, name: str) -> dict[str, Any] | None:
    """The `DescribeFlowDefinition` response, or None when there is no such definition."""
    from botocore.exceptions import ClientError

    try:
        with _raw(f"describing {name}"):
            response = client.describe_flow_definition(FlowDefinitionName=name)
    except ClientError as exc:
        if error_code(exc) in ("ResourceNotFound", "ResourceNotFoundException"):
            return None
        raise SubmitError(error_message(exc, f"describing {name}")) from exc
    except SubmitError:
        raise
    response = dict(response)
    response.pop("ResponseMetadata", None)
    return response


@contextmanager
def _raw(doing: str = "") -> Iterator[None]:
    """Let ClientError through (the caller inspects it); other botocore errors become lines."""
    from botocore.exceptions import BotoCoreError

    try:
        yield
    except BotoCoreError as exc:
        raise SubmitError(error_message(exc, doing)) from exc


def create(
    client: Any,
    request: Mapping[str, Any],
    timing: Timing,
    sleep: Callable[[float], None],
    report: Callable[[str, float], None] | None = None,
) -> tuple[str, int]:
    """Create; retry while AWS says the role cannot be assumed yet. Returns (ARN, retries).

    `report(status, elapsed)` hears of each retry (`role not assumable yet, retry 2`)."""
    from botocore.exceptions import ClientError

    start = time.monotonic()
    deadline = start + timing.iam_retry_timeout
    delay = timing.poll_interval
    retries = 0
    while True:
        try:
            with _raw(f"creating {request.get('FlowDefinitionName')}"):
                response = client.create_flow_definition(**request)
            return str(response["FlowDefinitionArn"]), retries
        except ClientError as exc:
            message = str(exc.response.get("Error", {}).get("Message", ""))
            role_not_ready = error_code(exc) == "ValidationException" and _ROLE_NOT_READY.search(
                message
            )
            if role_not_ready and time.monotonic() + delay <= deadline:
                retries += 1
                if report is not None:
                    report(f"role not assumable yet, retry {retries}", time.monotonic() - start)
                sleep(delay)
                delay = min(delay * 2, timing.iam_retry_max_delay)
                continue
            raise


Report = Callable[[str, float], None]


def _no_report(status: str, elapsed: float) -> None:
    pass


def wait_active(
    client: Any,
    name: str,
    timing: Timing,
    sleep: Callable[[float], None],
    report: Report = _no_report,
) -> dict[str, Any]:
    """Poll until `Active`; `Failed` raises with AWS's `FailureReason`. `report(status,
    elapsed seconds)` is called after every describe."""
    start = time.monotonic()
    deadline = start + timing.timeout
    while True:
        deployed = describe(client, name)
        if deployed is None:
            raise SubmitError(f"flow definition {name} disappeared while waiting for it")
        status = deployed.get("FlowDefinitionStatus", "")
        report(str(status), time.monotonic() - start)
        if status == "Active":
            return deployed
        if status == "Failed":
            reason = deployed.get("FailureReason") or "no reason given"
            raise SubmitError(f"flow definition {name} failed: {reason}")
        if status == "Deleting":
            raise SubmitError(f"flow definition {name} is being deleted")
        if time.monotonic() + timing.poll_interval > deadline:
            raise SubmitError(
                f"timed out after {timing.timeout:g}s waiting for flow definition {name} to "
                f"become Active (status {status or 'unknown'})"
            )
        sleep(timing.poll_interval)


def wait_gone(
    client: Any,
    name: str,
    timing: Timing,
    sleep: Callable[[float], None],
    report: Report = _no_report,
) -> None:
    """Poll until `DescribeFlowDefinition` says the name is free."""
    start = time.monotonic()
    deadline = start + timing.timeout
    while True:
        deployed = describe(client, name)
        report(str(deployed.get("FlowDefinitionStatus", "")) if deployed else "gone",
               time.monotonic() - start)  # fmt: skip
        if deployed is None:
            return
        if time.monotonic() + timing.poll_interval > deadline:
            raise SubmitError(
                f"timed out after {timing.timeout:g}s waiting for flow definition {name} "
                "to be deleted"
            )
        sleep(timing.poll_interval)


def delete(
    client: Any,
    name: str,
    *,
    wait: bool = False,
    timing: Timing | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Delete `name`; False when there was none. With `wait`, until it is gone."""
    from botocore.exceptions import ClientError

    timing = timing or Timing()
    try:
        with _raw(f"deleting {name}"):
            client.delete_flow_definition(FlowDefinitionName=name)
    except ClientError as exc:
        if error_code(exc) in ("ResourceNotFound", "ResourceNotFoundException"):
            return False
        raise SubmitError(error_message(exc, f"deleting {name}")) from exc
    if wait:
        wait_gone(client, name, timing, sleep)
    return True


def create_or_raise(
    client: Any,
    request: Mapping[str, Any],
    timing: Timing,
    sleep: Callable[[float], None],
    report: Callable[[str, float], None] | None = None,
) -> tuple[str, int]:
    """`create`, every refusal as a `SubmitError` (a name taken meanwhile says so)."""
    from botocore.exceptions import ClientError

    name = str(request["FlowDefinitionName"])
    try:
        return create(client, request, timing, sleep, report)
    except ClientError as exc:
        if error_code(exc) in ("ResourceInUse", "ResourceInUseException"):
            raise SubmitError(
                f"creating {name}: a flow definition of this name was created meanwhile",
                hint="run a2icond plan again to see what is deployed now",
            ) from exc
        raise SubmitError(error_message(exc, f"creating {name}")) from exc


def submit(
    client: Any,
    request: Mapping[str, Any],
    *,
    wait: bool = True,
    replace: bool = False,
    timing: Timing | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SubmitResult:
    """Plan and apply one validated request (`a2icond.aws.plan`): `created`, `unchanged`,
    `equivalent`, `tags updated`, or with `replace=True` `replaced`; a needed replacement
    without `replace` raises `SubmitError` with the differences, nothing deleted."""
    from . import plan as planning

    plan = planning.plan_flow(client, request)
    if plan.action == planning.REPLACE and not replace:
        differences = list(plan.differences)
        if plan.conditions_diff:
            differences.append(Problem("HumanLoopActivationConditions", "differ"))
        why = (
            f"{len(differences)} field(s) differ"
            if differences
            else f"its status is Failed: {plan.failure_reason or 'no reason given'}"
        )
        raise SubmitError(
            f"a different flow definition named {plan.name} already exists ({plan.arn}); {why}",
            differences=differences,
            hint="there is no update API: rerun with --replace to delete it and create "
            "this one (replace=True in Python)",
        )
    applied = planning.apply(client, plan, confirmed=replace, wait=wait, timing=timing, sleep=sleep)
    return SubmitResult(applied.action, applied.arn, applied.status, plan.name, applied.iam_retries)


# --- comparing desired and deployed ------------------------------------------------------------

_COMPARED = ("HumanLoopRequestSource", "HumanLoopConfig", "OutputConfig", "RoleArn")


def compare(request: Mapping[str, Any], deployed: Mapping[str, Any]) -> list[Problem]:
    """Field-by-field differences between the desired request and a describe response.

    Conditions are compared by meaning (`a2icond.equivalence`): equivalent conditions are no
    difference; different ones are listed path by path. Prices are compared as amounts, an
    absent time limit as AWS's default. An absent task lifetime is not compared (AWS fills in
    its own), nor are tags (DescribeFlowDefinition does not return them; see `plan`).
    """
    desired = _normalized(request)
    current = _normalized(deployed)
    differences: list[Problem] = []
    for key in _COMPARED:
        _diff(current.get(key), desired.get(key), key, differences)
    if conditions_verdict(request, deployed) == "different":
        key = "HumanLoopActivationConfig"
        before = len(differences)
        _diff(current.get(key), desired.get(key), key, differences)
        if len(differences) == before:  # different as written, not only as values
            differences.append(Problem("HumanLoopActivationConditions", "the conditions differ"))
    return differences


def conditions_text(document: Mapping[str, Any]) -> str | None:
    """The `HumanLoopActivationConditions` string of a request or describe response."""
    try:
        text = document["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"][
            "HumanLoopActivationConditions"
        ]
    except (KeyError, TypeError):
        return None
    return text if isinstance(text, str) else json.dumps(text)


def conditions_verdict(request: Mapping[str, Any], deployed: Mapping[str, Any]) -> str:
    """`identical`, `equivalent`, `different`, or `absent` (neither has conditions)."""
    from ..equivalence import compare as compare_conditions

    desired, current = conditions_text(request), conditions_text(deployed)
    if desired is None and current is None:
        return "absent"
    if desired is None or current is None:
        return "different"
    return compare_conditions(current, desired)


def _normalized(document: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        k: json.loads(json.dumps(document[k], default=str))
        for k in (*_COMPARED, "HumanLoopActivationConfig")
        if document.get(k) is not None
    }
    activation: Any = result.get("HumanLoopActivationConfig")
    try:
        text = activation["HumanLoopActivationConditionsConfig"]["HumanLoopActivationConditions"]
        inner = activation["HumanLoopActivationConditionsConfig"]
        inner["HumanLoopActivationConditions"] = json.loads(text) if isinstance(text, str) else text
    except (KeyError, TypeError, json.JSONDecodeError):
        pass
    config = result.get("HumanLoopConfig")
    if isinstance(config, dict):
        config.setdefault("TaskTimeLimitInSeconds", DEFAULT_TIME_LIMIT)
        amount = config.get("PublicWorkforceTaskPrice", {}).get("AmountInUsd")
        if isinstance(amount, dict):
            for part in ("Dollars", "Cents", "TenthFractionsOfACent"):
                amount[part] = amount.get(part) or 0
    return result


def _diff(old: Any, new: Any, path: str, out: list[Problem], limit: int = 30) -> None:
    if len(out) >= limit or old == new:
        return
    lifetime = "TaskAvailabilityLifetimeInSeconds"
    # Absent from the desired definition: AWS's own value is not a difference.
    if (
        path == "HumanLoopConfig"
        and isinstance(old, dict)
        and isinstance(new, dict)
        and (lifetime not in new)
    ):
        old = {k: v for k, v in old.items() if k != lifetime}
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            _diff(old.get(key, _ABSENT), new.get(key, _ABSENT), f"{path}.{key}", out, limit)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{path}[{index}]", out, limit)
        return
    if old == new:
        return
    shown = path.replace(CONDITIONS_PATH, "HumanLoopActivationConditions")
    out.append(Problem(shown, f"deployed {_show(old)}, this definition has {_show(new)}"))


class _Absent:
    def __repr__(self) -> str:
        return "absent"


_ABSENT: Any = _Absent()


def _show(value: Any) -> str:
    return "nothing" if value is _ABSENT or value is None else format_value(value, limit=120)
