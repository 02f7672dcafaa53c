"""Views build no queries of their own: every read goes through a selector (or an access
helper), where its ``select_related`` and its query count are written once. A view
module that calls the ORM fails here, naming the line; a view that only walks rows a
selector already fetched is named in ``READS_FETCHED_ROWS``, with the reason."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["action_plans", "governance", "targets", "interventions", "funding", "portal", "api"]

# Calls that build or run a query, whatever they are called on.
QUERY_METHODS = {
    "aggregate",
    "all",
    "annotate",
    "count",
    "distinct",
    "exclude",
    "exists",
    "filter",
    "first",
    "get_or_create",
    "in_bulk",
    "last",
    "order_by",
    "prefetch_related",
    "select_related",
    "update_or_create",
    "values_list",
}
QUERY_FUNCTIONS = {"get_object_or_404", "get_list_or_404"}

READS_FETCHED_ROWS = {
    (
        "interventions/views/interventions.py",
        "intervention_detail",
    ): "the intervention's indicators, prefetched by selectors.intervention_in_detail",
}


def _view_modules() -> list[Path]:
    modules = []
    for app in APPS:
        package = ROOT / app
        modules += sorted(package.glob("*views.py"))
        modules += sorted((package / "views").glob("*.py"))
    return modules


def orm_calls(source: str) -> list[tuple[str, int, str]]:
    """(function, line, what) for each ORM call in a module's source."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name if function == "<module>" else function
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((function, node.lineno, ".objects"))
        if isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Attribute) and called.attr in QUERY_METHODS:
                found.append((function, node.lineno, f".{called.attr}()"))
            if isinstance(called, ast.Name) and called.id in QUERY_FUNCTIONS:
                found.append((function, node.lineno, f"{called.id}()"))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source), "<module>")
    return found


def test_the_view_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in _view_modules()}
    assert {
        "action_plans/views.py",
        "action_plans/validation_views.py",
        "governance/views/plans.py",
        "targets/views/prioritisation.py",
        "interventions/views/interventions.py",
        "funding/views/commitments.py",
    } <= names


def test_views_read_only_through_selectors():
    queries = []
    for path in _view_modules():
        module = str(path.relative_to(ROOT))
        for function, line, what in orm_calls(path.read_text()):
            if (module, function) not in READS_FETCHED_ROWS:
                queries.append(f"{module}:{line} {function}: {what}, move it into a selector")
    assert queries == []


def test_a_query_built_in_a_view_is_found():
    source = (
        "def plan_detail(request, pk):\n"
        "    plan = get_object_or_404(ActionPlan, pk=pk)\n"
        "    versions = plan.versions.select_related('adopted_by')\n"
        "    return Membership.objects.none()\n"
    )
    assert orm_calls(source) == [
        ("plan_detail", 2, "get_object_or_404()"),
        ("plan_detail", 3, ".select_related()"),
        ("plan_detail", 4, ".objects"),
    ]
