"""The layers contract (import-linter, in pyproject.toml) holds, and is live: an import
that runs back up between apps breaks it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["msd_planner", "action_plans", "governance", "targets", "interventions", "funding"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_of_the_project(destination: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, destination / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def _lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own venv's lint-imports
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return _copy_of_the_project(tmp_path_factory.mktemp("layers"))


def test_the_project_keeps_its_layers(project):
    result = _lint_imports(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "back_up_import"),
    [
        ("governance/layer_probe.py", "import targets.models\n"),
        ("action_plans/layer_probe.py", "from governance import services\n"),
        ("msd_planner/lib/layer_probe.py", "import action_plans.models\n"),
    ],
)
def test_an_import_back_up_breaks_the_contract(project, module, back_up_import):
    probe = project / module
    probe.write_text(back_up_import)
    try:
        result = _lint_imports(project)
    finally:
        probe.unlink()
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
