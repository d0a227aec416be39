"""The pre-commit hooks, for real: `pre-commit try-repo` against this repository.

pre-commit installs the project into its own virtualenv (that needs PyPI for hatchling and the
dependencies), so this test is slow and marked `precommit`; deselect it locally with
`-m "not precommit"`. try-repo takes this repository's working tree (tracked files; it makes a
shadow commit of uncommitted changes), so `.pre-commit-hooks.yaml` must be committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.precommit


def _tracked(path: Path) -> bool:
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", path.name],
        cwd=path.parent,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@pytest.fixture(scope="module")
def project() -> Path:
    if shutil.which("git") is None or shutil.which("pre-commit") is None:
        pytest.skip("needs git and pre-commit")
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this project as a git repository (not an sdist)")
    hooks = ROOT / ".pre-commit-hooks.yaml"
    assert hooks.is_file()
    assert _tracked(hooks), ".pre-commit-hooks.yaml must be committed for try-repo"
    return ROOT


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}


@pytest.fixture
def user_repo(tmp_path: Path, project: Path) -> Path:
    repo = tmp_path / "user-repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"-   repo: {project}\n"
        "    rev: HEAD\n"
        "    hooks:\n"
        "    -   id: a2icond-check\n"
        "    -   id: a2icond-fmt\n"
    )
    (repo / "good.cond").write_text('source rekognition\n\nlabel "Explicit" confidence > 90\n')
    (repo / "broken.cond").write_text('label "Explicit" confidence > 900\n')
    (repo / "messy.cond").write_text('SOURCE rekognition\nlabel "Explicit"   confidence>90\n')
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    return repo


def try_repo(
    repo: Path, env: dict[str, str], hook: str, *files: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), hook, "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_check_hook_fails_on_a_broken_file_and_passes_a_good_one(
    user_repo: Path, env: dict[str, str]
) -> None:
    broken = try_repo(user_repo, env, "a2icond-check", "broken.cond")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert (
        "broken.cond:1:31: error[A2I029]: a confidence threshold must be from 0 to 100"
        in broken.stdout
    )
    good = try_repo(user_repo, env, "a2icond-check", "good.cond")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_fmt_hook_rewrites_a_messy_file_and_leaves_a_broken_one(
    user_repo: Path, env: dict[str, str]
) -> None:
    result = try_repo(user_repo, env, "a2icond-fmt", "messy.cond", "broken.cond", "good.cond")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (user_repo / "messy.cond").read_text() == (
        'source rekognition\n\nlabel "Explicit" confidence > 90\n'
    )
    assert (user_repo / "broken.cond").read_text() == 'label "Explicit" confidence > 900\n'
    again = try_repo(user_repo, env, "a2icond-fmt", "messy.cond", "good.cond")
    assert again.returncode == 0, again.stdout + again.stderr


def test_code_hook_checks_conditions_in_python_and_terraform(
    user_repo: Path, env: dict[str, str]
) -> None:
    (user_repo / "review.py").write_text(
        "import json\n"
        "CONDITIONS = {\n"
        '    "Conditions": [\n'
        "        {\n"
        '            "ConditionType": "ModerationLabelConfidenceCheck",\n'
        '            "ConditionParameters": {\n'
        '                "ModerationLabelName": "*",\n'
        '                "ConfidenceGreaterThanOrEqual": 75,\n'
        "            },\n"
        "        }\n"
        "    ]\n"
        "}\n"
        "client.create_flow_definition(HumanLoopActivationConfig={\n"
        '    "HumanLoopActivationConditionsConfig": {\n'
        '        "HumanLoopActivationConditions": json.dumps(CONDITIONS)}})\n'
    )
    (user_repo / "main.tf").write_text(
        'resource "aws_sagemaker_flow_definition" "f" {\n'
        "  human_loop_activation_config {\n"
        "    human_loop_activation_conditions_config {\n"
        "      human_loop_activation_conditions = jsonencode({\n"
        '        Conditions = [{ ConditionType = "Sampling",\n'
        "          ConditionParameters = { RandomSamplingPercentage = 5 } }]\n"
        "      })\n"
        "    }\n  }\n}\n"
    )
    (user_repo / "plain.py").write_text("print('nothing to check')\n")
    subprocess.run(["git", "add", "."], cwd=user_repo, check=True)
    broken = try_repo(user_repo, env, "a2icond-check-code", "review.py", "plain.py")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert (
        "review.py:8:17: error[A2I052]: unknown parameter 'ConfidenceGreaterThanOrEqual' for "
        "ModerationLabelConfidenceCheck; did you mean 'ConfidenceGreaterThanEquals'?"
    ) in broken.stdout
    good = try_repo(user_repo, env, "a2icond-check-code", "main.tf", "plain.py")
    assert good.returncode == 0, good.stdout + good.stderr


def test_flow_hook_validates_the_whole_request_offline(
    user_repo: Path, env: dict[str, str]
) -> None:
    flow = (ROOT / "examples" / "textract" / "payroll.flow.toml").read_text()
    (user_repo / "payroll.cond").write_text(
        (ROOT / "examples" / "textract" / "payroll.cond").read_text()
    )
    (user_repo / "payroll.flow.toml").write_text(flow)
    (user_repo / "broken.flow.toml").write_text(flow.replace("count = 2", "count = 0"))
    subprocess.run(["git", "add", "."], cwd=user_repo, check=True)
    result = try_repo(user_repo, env, "a2icond-check-flow", "payroll.flow.toml", "broken.flow.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "broken.flow.toml:13:1: error[A2I060]: HumanLoopConfig.TaskCount: must be at least 1 "
        "(got 0)"
    ) in result.stdout
    assert "payroll.flow.toml:" not in result.stdout.replace("broken.flow.toml", "")
    good = try_repo(user_repo, env, "a2icond-check-flow", "payroll.flow.toml")
    assert good.returncode == 0, good.stdout + good.stderr
