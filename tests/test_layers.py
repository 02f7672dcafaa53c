"""The layers contract (import-linter, in pyproject.toml) holds, and is live: an import
that runs back up between apps breaks it."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "msd_planner",
    "action_plans",
    "governance",
    "targets",
    "interventions",
    "funding",
    "portal",
    "open_data",
]
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
        # nothing but the composition root imports the public portal
        ("funding/layer_probe.py", "import portal.views\n"),
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


# --- no circle of imports between files ------------------------------------------------------


def _file_imports(root: Path) -> dict[str, set[str]]:
    """Each module of the project and the project modules it imports at file level (an
    import inside a function is where a circle hides; there is none in the kernel)."""
    modules = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    found.add(target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other through their imports."""
    reaches = {name: set() for name in graph}
    for start in graph:
        todo = list(graph[start])
        while todo:
            name = todo.pop()
            if name not in reaches[start]:
                reaches[start].add(name)
                todo.extend(graph[name])
    circles = {
        tuple(sorted({start} | {other for other in reaches[start] if start in reaches[other]}))
        for start in graph
        if start in reaches[start]
    }
    return sorted(list(circle) for circle in circles)


def test_no_two_files_import_each_other():
    assert _circles(_file_imports(ROOT)) == []


def test_a_circle_of_imports_is_found(tmp_path):
    project = _copy_of_the_project(tmp_path)
    (project / "action_plans" / "circle_probe.py").write_text("from action_plans import hooks\n")
    hooks = project / "action_plans" / "hooks.py"
    hooks.write_text("from action_plans import circle_probe\n" + hooks.read_text())
    circles = _circles(_file_imports(project))
    assert ["action_plans.circle_probe", "action_plans.hooks"] in circles
