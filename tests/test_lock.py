"""requirements.lock pins every package the project installs, with its hashes: a
dependency added to pyproject.toml without `make lock` fails here, not on a server."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def locked(text: str | None = None) -> dict[str, tuple[str, list[str]]]:
    """{package: (version, hashes)} as the lock gives them."""
    if text is None:
        text = (ROOT / "requirements.lock").read_text()
    packages: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in text.splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            packages[current] = (match.group(2), [])
        elif line.strip().startswith("--hash=") and current is not None:
            packages[current][1].append(line.strip().removeprefix("--hash=").rstrip(" \\"))
        elif not line.startswith(" "):
            current = None
    return packages


def declared(text: str | None = None) -> list[Requirement]:
    if text is None:
        text = (ROOT / "pyproject.toml").read_text()
    project = tomllib.loads(text)["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return [Requirement(requirement) for requirement in requirements]


def unlocked(pyproject: str | None = None, lock: str | None = None) -> list[str]:
    """The dependencies of ``pyproject`` that ``lock`` lacks or pins at a version they
    do not allow."""
    packages = locked(lock)
    problems = []
    for requirement in declared(pyproject):
        name = canonicalize_name(requirement.name)
        if name not in packages:
            problems.append(f"{requirement} is not in requirements.lock")
        elif not requirement.specifier.contains(packages[name][0], prereleases=True):
            problems.append(f"{requirement}: the lock has {packages[name][0]}")
    return problems


def test_the_lock_holds_every_dependency_of_pyproject_at_a_version_it_allows():
    problems = unlocked()
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_a_dependency_added_or_moved_without_a_new_lock_is_named():
    pyproject = (ROOT / "pyproject.toml").read_text()
    changed = pyproject.replace(
        '"Django==5.2.19",', '"Django==5.2.99",\n    "a-new-package==1.0",', 1
    )
    assert changed != pyproject
    assert unlocked(changed) == [
        "Django==5.2.99: the lock has 5.2.19",
        "a-new-package==1.0 is not in requirements.lock",
    ]


def test_the_lock_holds_what_the_extras_asked_for():
    lock = locked()
    assert {"psycopg-binary", "redis"} <= lock.keys()


def test_every_locked_package_has_hashes():
    lock = locked()
    assert len(lock) > 50
    assert [name for name, (_, hashes) in lock.items() if not hashes] == []
    assert all(digest.startswith("sha256:") for _, hashes in lock.values() for digest in hashes)


def test_the_lock_names_no_index_or_folder_of_one_machine():
    text = (ROOT / "requirements.lock").read_text()
    options = [line for line in text.splitlines() if line.startswith("-")]
    assert options == []
