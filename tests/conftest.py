"""Shared fixtures, and the promise that running the tests leaves the git tree as it was."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


def _git_status():
    result = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=ROOT, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def _is_xdist_worker(session):
    return hasattr(session.config, "workerinput")  # pytest -n: the controller checks for everyone


def pytest_sessionstart(session):
    if not _is_xdist_worker(session):
        session.config._git_status_before = _git_status()


def pytest_sessionfinish(session, exitstatus):
    if _is_xdist_worker(session):
        return
    before = session.config._git_status_before
    after = _git_status()
    if before is not None and after != before:
        changed = sorted(set(after.splitlines()) ^ set(before.splitlines()))
        print("\nFAILED: the tests changed the working tree (git status):\n  " + "\n  ".join(changed))
        session.exitstatus = 1
