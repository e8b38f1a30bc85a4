"""Shared fixtures, the order in which the workers of `make test` take the work, and the promise
that running the tests leaves the git tree as it was."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
GIT_STATUS = pytest.StashKey[str | None]()
SPREAD = {"test_page_in_browser", "test_search_finds_every_page_of_its_book_that_uses_the_word"}


def _git_status():
    result = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout if result.returncode == 0 else None


def _is_xdist_worker(session):
    return hasattr(session.config, "workerinput")  # pytest -n: the controller checks for everyone


def pytest_sessionstart(session):
    if not _is_xdist_worker(session):
        session.config.stash[GIT_STATUS] = _git_status()


def pytest_sessionfinish(session, exitstatus):
    if _is_xdist_worker(session):
        return
    before = session.config.stash[GIT_STATUS]
    after = _git_status()
    if before is not None and after != before:
        changed = sorted(set(after.splitlines()) ^ set(before.splitlines()))
        print(
            "\nFAILED: the tests changed the working tree (git status):\n  " + "\n  ".join(changed)
        )
        session.exitstatus = 1


def _full_run_seconds(path):
    """How long the notebook's full run took (make execute records it): its weight."""
    return (
        json.loads(path.read_text(encoding="utf-8"))["metadata"].get("book", {}).get("seconds", 0)
    )


def _unit(nodeid):
    """The unit of work a test belongs to under `pytest -n` (make test): its file, whose tests
    run on one worker, in order (a notebook's cells share one kernel), except the site's page and
    search tests, one unit each, which spread over the workers once the site is built."""
    path, _, name = nodeid.partition("::")
    return nodeid if name.split("[")[0] in SPREAD else path


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scope scheduling with the units above (its own --dist loadgroup marks
    tests by rewriting their nodeids, which pytest 9 no longer allows)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return _unit(nodeid)

    return ByUnit(config, log)


def pytest_collection_modifyitems(config, items):
    """The order in which the workers take the units (make test passes --no-loadscope-reorder):
    the files of tests/ first, since the platform test mostly waits on the network while the
    others compute; then the notebooks, the longest full run first, so that no long one is left
    for the end; last the site's pages, short units that fill the workers' last minutes."""

    def order(item):
        unit = _unit(item.nodeid)
        if item.path.suffix == ".ipynb":
            return (1, -_full_run_seconds(item.path))
        return (2, 0) if unit == item.nodeid else (0, 0)

    items.sort(key=order)  # stable: each file keeps its own order
