"""The pinned environment installs wherever readers run the book, and its copies agree.

requirements.txt is the one list of pins; environment.yml (Binder) repeats it so that Binder can
cache the environment, and requirements-book.txt is the part `make book` needs. The platform test
asks uv to resolve the pins, as wheels only, for each platform and Python the README supports
(uv evaluates the environment markers for the target platform, which pip's --platform does not,
and answers in seconds where pip's dry runs took minutes). uv is handed the running interpreter:
left to find a Python of each target version itself, it searched the PATH for seconds per
resolution (pyenv's shims among it) before resolving for the version it was asked anyway.
"""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from notebooks import ROOT
from packaging.markers import Marker
from packaging.requirements import Requirement

PYTHONS = ("3.11", "3.12", "3.13")
# marker values of each platform, and the platform name uv resolves for
PLATFORMS = {
    "Linux x86_64": (
        {"sys_platform": "linux", "platform_machine": "x86_64"},
        "x86_64-manylinux_2_28",
    ),
    "Linux aarch64": (
        {"sys_platform": "linux", "platform_machine": "aarch64"},
        "aarch64-manylinux_2_28",
    ),
    "macOS arm64": (
        {"sys_platform": "darwin", "platform_machine": "arm64"},
        "aarch64-apple-darwin",
    ),
    "Windows x86_64": (
        {"sys_platform": "win32", "platform_machine": "AMD64"},
        "x86_64-pc-windows-msvc",
    ),
}
UV = Path(sys.executable).parent / "uv"
OFFLINE = (
    "Failed to fetch",
    "error sending request",
    "dns error",
    "Could not connect",
    "Network is unreachable",
)


def requirement_lines(path):
    return [
        line.split(" #")[0].strip()
        for line in (ROOT / path).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_binder_environment_lists_exactly_the_pinned_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_lists, "environment.yml has no pip section"
    assert pip_lists[0] == requirement_lines("requirements.txt"), (
        "environment.yml and requirements.txt differ"
    )


def test_book_requirements_are_the_same_pins():
    pinned = set(requirement_lines("requirements.txt"))
    assert set(requirement_lines("requirements-book.txt")) <= pinned


@pytest.mark.parametrize("path", ["requirements.txt", "requirements-oldest.txt"])
def test_every_requirement_is_pinned(path):
    for line in requirement_lines(path):
        specifiers = list(Requirement(line).specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", (
            f"{path}: not pinned: {line}"
        )


def for_platform(lines, environment, python):
    """The requirement lines that apply on one platform, markers evaluated for it, not for us."""
    env = dict(environment, python_version=python, python_full_version=f"{python}.0")
    chosen = []
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker is None or Marker(str(requirement.marker)).evaluate(env):
            chosen.append(f"{requirement.name}{requirement.specifier}")
    return chosen


def resolve(platform, python):
    command = [
        str(UV),
        "pip",
        "compile",
        str(ROOT / "requirements.txt"),
        "--quiet",
        "--no-header",
        "--only-binary",
        ":all:",
        "--python-platform",
        PLATFORMS[platform][1],
        "--python-version",
        python,
        "--python",
        sys.executable,
        "--output-file",
        "/dev/null",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_markers_choose_one_tensorflow_per_platform():
    lines = requirement_lines("requirements.txt")
    for platform, (environment, _) in PLATFORMS.items():
        names = [line.split("==")[0] for line in for_platform(lines, environment, "3.12")]
        expected = "tensorflow-cpu" if platform == "Linux x86_64" else "tensorflow"
        assert [n for n in names if n.startswith("tensorflow")] == [expected], platform


def test_requirements_resolve_on_every_supported_platform_and_python():
    cases = [(platform, python) for platform in PLATFORMS for python in PYTHONS]
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        results = dict(zip(cases, pool.map(lambda case: resolve(*case), cases), strict=True))
    failed = {case: r for case, r in results.items() if r.returncode}
    if failed and all(any(sign in r.stderr for sign in OFFLINE) for r in failed.values()):
        pytest.skip("the package index cannot be reached: platform resolution not checked")
    assert not failed, "requirements.txt does not install on: " + "; ".join(
        f"{platform}, Python {python}: {r.stderr.strip().splitlines()[-1]}"
        for (platform, python), r in failed.items()
    )
