"""What a submit would do, and doing it: `plan` (read-only) and `apply`.

`plan_flow` asks SageMaker only `DescribeFlowDefinition` and `ListTags` and decides, for one
request, one action:

- `create`: no definition of that name (or one still `Deleting`, waited for first);
- `unchanged`: the deployed definition is the same, conditions written the same way;
- `equivalent`: the same, conditions written differently but meaning the same
  (`a2icond.equivalence`); nothing to do;
- `update tags`: only tags differ; SageMaker changes them in place (AddTags/DeleteTags);
- `replace`: a field SageMaker cannot change differs (there is no update API), or the deployed
  definition `Failed`; delete, wait until gone, create.

`apply` carries a plan out: tags in place, a replacement only when `confirm` says so, progress
reported while deleting and waiting, and a create that fails after a delete writes the request
to a file and says so. Planning many flows runs the describes concurrently.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import submit as aws
from .submit import SubmitError, Timing
from .validation import Problem, format_value

CREATE, UNCHANGED, EQUIVALENT, UPDATE_TAGS, REPLACE = (
    "create",
    "unchanged",
    "equivalent",
    "update tags",
    "replace",
)
#: In-sync actions: nothing to do.
IN_SYNC = (UNCHANGED, EQUIVALENT)
#: Order of the summary line.
ACTIONS = (CREATE, UNCHANGED, EQUIVALENT, UPDATE_TAGS, REPLACE)
_SUMMARY = {
    CREATE: "to create",
    UNCHANGED: "unchanged",
    EQUIVALENT: "equivalent",
    UPDATE_TAGS: "to update tags",
    REPLACE: "to replace",
}
_DONE = {
    CREATE: "created",
    UNCHANGED: "unchanged",
    EQUIVALENT: "equivalent",
    UPDATE_TAGS: "tags updated",
    REPLACE: "replaced",
}


@dataclass(frozen=True)
class TagChanges:
    """Tags to add, change (old, new) and remove, by key."""

    added: dict[str, str] = field(default_factory=dict)
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        out = [f"+ tag {k} = {format_value(v)}" for k, v in self.added.items()]
        out += [
            f"~ tag {k}: {format_value(a)} → {format_value(b)}"
            for k, (a, b) in self.changed.items()
        ]
        out += [f"- tag {k} (was {format_value(v)})" for k, v in self.removed.items()]
        return out


@dataclass(frozen=True)
class FlowPlan:
    """The plan for one flow definition."""

    name: str
    action: str
    request: Mapping[str, Any]
    #: The flow file it came from (for messages), may be empty.
    origin: str = ""
    #: The deployed definition's ARN and status (empty for `create`).
    arn: str = ""
    status: str = ""
    failure_reason: str = ""
    #: Fields that force a replacement, `Field.Path: deployed → desired`.
    differences: tuple[Problem, ...] = ()
    #: A unified diff of the deployed and desired conditions as canonical `.cond` programs.
    conditions_diff: str = ""
    tags: TagChanges = field(default_factory=TagChanges)
    #: The name is held by a definition being deleted: `create` waits for it first.
    waits_for_delete: bool = False

    @property
    def in_sync(self) -> bool:
        return self.action in IN_SYNC

    def expected_arn(self, region: str) -> str:
        """The ARN: the deployed one, or for a create the one it will get (the role's account)."""
        if self.arn:
            return self.arn
        role = str(self.request.get("RoleArn", ""))
        parts = role.split(":")
        account = parts[4] if len(parts) > 5 else ""
        if not (account and region):
            return ""
        partition = parts[1] or "aws"
        return f"arn:{partition}:sagemaker:{region}:{account}:flow-definition/{self.name}"

    def render(self, region: str = "") -> str:
        """The plan as text: a headline, then what differs, indented."""
        arn = self.expected_arn(region)
        head = f"{self.name}: {self.action}"
        if self.action == CREATE:
            head += f" {arn}" if arn else ""
            if self.waits_for_delete:
                head += " (after the definition being deleted under this name is gone)"
        else:
            head += f" {arn} ({self.status})"
        if self.action == EQUIVALENT:
            head += ": the deployed conditions are written differently but mean the same"
        lines = [head]
        if self.status == "Failed":
            lines.append(f"  deployed status Failed: {self.failure_reason or 'no reason given'}")
        lines += [f"  {d.path}: {d.message}" for d in self.differences]
        if self.conditions_diff:
            lines += ["  " + line if line else "" for line in self.conditions_diff.splitlines()]
        lines += ["  " + line for line in self.tags.lines()]
        return "\n".join(lines)


def summary(plans: Sequence[FlowPlan], done: bool = False) -> str:
    """`2 to create, 1 unchanged, 1 to replace` (or `2 created, ...` after applying)."""
    words = _DONE if done else _SUMMARY
    counts = [(a, sum(p.action == a for p in plans)) for a in ACTIONS]
    return ", ".join(f"{n} {words[a]}" for a, n in counts if n) or "nothing to do"


# --- planning ----------------------------------------------------------------------------------


def plan_flow(client: Any, request: Mapping[str, Any], origin: str = "") -> FlowPlan:
    """The plan for one validated request (DescribeFlowDefinition, ListTags; nothing else)."""
    name = str(request["FlowDefinitionName"])
    deployed = aws.describe(client, name)
    if deployed is None:
        return FlowPlan(name, CREATE, request, origin)
    status = str(deployed.get("FlowDefinitionStatus", ""))
    arn = str(deployed.get("FlowDefinitionArn", ""))
    if status == "Deleting":
        return FlowPlan(name, CREATE, request, origin, waits_for_delete=True)
    differences = tuple(d for d in aws.compare(request, deployed) if not _conditions(d))
    verdict = aws.conditions_verdict(request, deployed)
    conditions_diff = ""
    if verdict == "different":
        conditions_diff = conditions_unified_diff(deployed, request, name, origin)
        if not conditions_diff:  # same programs, different JSON (should not happen)
            differences += (Problem("HumanLoopActivationConditions", "the conditions differ"),)
    tags = tag_changes(_deployed_tags(client, arn, name), request.get("Tags") or [])
    reason = str(deployed.get("FailureReason") or "")
    if differences or conditions_diff or status == "Failed":
        action = REPLACE
    elif tags:
        action = UPDATE_TAGS
    else:
        action = EQUIVALENT if verdict == "equivalent" else UNCHANGED
    return FlowPlan(
        name,
        action,
        request,
        origin,
        arn,
        status,
        reason,
        tuple(_arrow(d) for d in differences),
        conditions_diff,
        tags,
    )


def plan_all(
    client: Any,
    requests: Sequence[tuple[Mapping[str, Any], str]],
    *,
    workers: int = 8,
) -> list[FlowPlan]:
    """Plans for `(request, origin)` pairs, describing concurrently, in the given order.

    The first `SubmitError` is raised (after the others finish)."""
    if len(requests) <= 1:
        return [plan_flow(client, r, o) for r, o in requests]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(requests)))) as pool:
        futures = [pool.submit(plan_flow, client, r, o) for r, o in requests]
        return [f.result() for f in futures]


def _conditions(problem: Problem) -> bool:
    return problem.path.startswith("HumanLoopActivation")


def _arrow(problem: Problem) -> Problem:
    """`deployed X, this definition has Y` as `X → Y`."""
    message = problem.message
    if message.startswith("deployed ") and ", this definition has " in message:
        old, new = message.removeprefix("deployed ").split(", this definition has ", 1)
        message = f"{old} → {new}"
    return Problem(problem.path, message)


def _deployed_tags(client: Any, arn: str, name: str) -> list[dict[str, Any]]:
    tags: list[dict[str, Any]] = []
    with aws.aws_errors(f"listing the tags of {name}"):
        for page in client.get_paginator("list_tags").paginate(ResourceArn=arn):
            tags.extend(page.get("Tags", []))
    return tags


def tag_changes(
    deployed: Sequence[Mapping[str, Any]], desired: Sequence[Mapping[str, Any]]
) -> TagChanges:
    """What AddTags/DeleteTags must do to turn `deployed` tags into `desired` ones."""
    old = {str(t.get("Key")): str(t.get("Value", "")) for t in deployed}
    new = {str(t.get("Key")): str(t.get("Value", "")) for t in desired}
    return TagChanges(
        added={k: v for k, v in new.items() if k not in old},
        changed={k: (old[k], v) for k, v in new.items() if k in old and old[k] != v},
        removed={k: v for k, v in old.items() if k not in new},
    )


def conditions_program(document: Mapping[str, Any]) -> str | None:
    """The conditions of a request or describe response as a canonical `.cond` program (members
    in canonical order), or None when there are none or they cannot be read."""
    from ..decompiler import DecompileError, decompile_conditions
    from ..diagnostics import CompileError
    from ..equivalence import canonical_conditions
    from ..jsonconditions import from_json_text
    from ..model import REQUEST_SOURCE

    text = aws.conditions_text(document)
    if text is None:
        return None
    full = document.get("HumanLoopRequestSource", {}).get("AwsManagedHumanLoopRequestSource")
    source = next((s for s, v in REQUEST_SOURCE.items() if v == full), None)
    try:
        conditions = from_json_text(text, source=source, filename="<deployed>")
        return decompile_conditions(canonical_conditions(conditions))
    except (CompileError, DecompileError, ValueError, RecursionError):
        return None


def conditions_unified_diff(
    deployed: Mapping[str, Any], request: Mapping[str, Any], name: str, origin: str = ""
) -> str:
    """A unified diff of the deployed and desired conditions as canonical `.cond` programs (as
    JSON when one cannot be read as conditions)."""
    import json

    before, after = conditions_program(deployed), conditions_program(request)
    if before is None or after is None:
        before = json.dumps(_loads(aws.conditions_text(deployed)), indent=2)
        after = json.dumps(_loads(aws.conditions_text(request)), indent=2)
    lines = difflib.unified_diff(
        before.splitlines(),
        after.splitlines(),
        fromfile=f"deployed {name}",
        tofile=origin or "this definition",
        lineterm="",
    )
    return "\n".join(lines)


def _loads(text: str | None) -> Any:
    import json

    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text


# --- applying ----------------------------------------------------------------------------------


@dataclass
class Progress:
    """Where `apply` is, for progress lines and for the message after Ctrl-C or a failure.

    `report(name, doing, status, elapsed)` is called on every poll; the CLI prints a line when
    the status changes and every few seconds.
    """

    report: Callable[[str, str, str, float], None] = lambda *args: None
    #: What has been done so far, in order (`deleted payroll-review`, ...).
    done: list[str] = field(default_factory=list)
    #: The request whose definition was deleted and not created again yet, if any.
    deleted_not_created: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Applied:
    """What `apply` did for one flow: the plan, its ARN, status and IAM retries."""

    plan: FlowPlan
    arn: str
    status: str
    iam_retries: int = 0

    @property
    def action(self) -> str:
        """`created`, `submitted` (not waited for), `replaced`, `tags updated`, `unchanged`..."""
        if self.status == "Initializing" and self.plan.action == CREATE:
            return "submitted"
        return _DONE[self.plan.action]

    def line(self) -> str:
        """`created ARN (Active)`, `replaced ...`, `tags updated ...`."""
        return f"{self.action} {self.arn} ({self.status})"


def rescue_path(folder: str | Path, name: str) -> Path:
    return Path(folder) / f"{name}.request.json"


def apply(
    client: Any,
    plan: FlowPlan,
    *,
    confirmed: bool = False,
    wait: bool = True,
    timing: Timing | None = None,
    progress: Progress | None = None,
    rescue_dir: str | Path = ".",
    sleep: Callable[[float], None] = time.sleep,
) -> Applied:
    """Carry out `plan`. A `replace` needs `confirmed=True` (else `SubmitError`, nothing done).

    After a delete, a create that fails writes the request to `rescue_dir/NAME.request.json`
    and raises a `SubmitError` that says the definition is gone.
    """
    timing = timing or Timing()
    progress = progress or Progress()
    request, name = plan.request, plan.name

    def report(doing: str) -> Callable[[str, float], None]:
        return lambda status, elapsed: progress.report(name, doing, status, elapsed)

    if plan.action in IN_SYNC:
        status = plan.status
        if wait and status not in ("Active", "Failed"):
            status = str(aws.wait_active(client, name, timing, sleep, report("waiting"))[
                "FlowDefinitionStatus"
            ])  # fmt: skip
        return Applied(plan, plan.arn, status)
    if plan.action == UPDATE_TAGS:
        _update_tags(client, plan)
        progress.done.append(f"updated the tags of {name}")
        return Applied(plan, plan.arn, plan.status)
    if plan.action == REPLACE:
        if not confirmed:
            raise SubmitError(
                f"{name} must be replaced (deleted and created again), and that was not "
                "confirmed; nothing was deleted",
                differences=list(plan.differences),
                hint="there is no update API: rerun with --replace (it asks first; --yes "
                "confirms without a terminal)",
            )
        if not aws.delete(client, name, timing=timing, sleep=sleep):
            pass  # gone already: create it
        progress.done.append(f"deleted {name}")
        progress.deleted_not_created = request
        aws.wait_gone(client, name, timing, sleep, report("deleting"))
    elif plan.waits_for_delete:
        aws.wait_gone(client, name, timing, sleep, report("waiting for the old one to go"))
    try:
        arn, retries = aws.create_or_raise(client, request, timing, sleep, report("creating"))
    except SubmitError as exc:
        if progress.deleted_not_created is not None:
            raise deleted_but_not_created(exc.message, request, rescue_dir) from exc
        raise
    progress.deleted_not_created = None
    progress.done.append(f"created {name}")
    if not wait:
        return Applied(plan, arn, "Initializing", retries)
    deployed = aws.wait_active(client, name, timing, sleep, report("creating"))
    return Applied(plan, arn, str(deployed["FlowDefinitionStatus"]), retries)


def deleted_but_not_created(
    why: str, request: Mapping[str, Any], rescue_dir: str | Path
) -> SubmitError:
    """The loud error after a delete whose create did not happen; writes the request out."""
    from ..fileio import atomic_write
    from ..model import dump_json

    name = str(request["FlowDefinitionName"])
    path = rescue_path(rescue_dir, name)
    try:
        atomic_write(path, dump_json(dict(request), compact=False) + "\n")
        saved = f"the request is saved in {path}"
    except Exception as exc:
        saved = f"the request could not be saved ({exc})"
    return SubmitError(
        f"FLOW DEFINITION {name} WAS DELETED AND NOT CREATED AGAIN: {why}; {saved}",
        hint=f"create it again with `aws sagemaker create-flow-definition --cli-input-json "
        f"file://{path}` or rerun a2icond submit; nothing named {name} exists now",
    )


def _update_tags(client: Any, plan: FlowPlan) -> None:
    tags = plan.tags
    put = {**tags.added, **{k: new for k, (_, new) in tags.changed.items()}}
    if put:
        with aws.aws_errors(f"tagging {plan.name}"):
            client.add_tags(
                ResourceArn=plan.arn, Tags=[{"Key": k, "Value": v} for k, v in put.items()]
            )
    if tags.removed:
        with aws.aws_errors(f"removing tags of {plan.name}"):
            client.delete_tags(ResourceArn=plan.arn, TagKeys=list(tags.removed))
