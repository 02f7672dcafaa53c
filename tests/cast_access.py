"""What each member of the cast may do on plans A and B, written out by hand.

These tables are the expectation of the permission tests, of the workflow's steps and of
the URL matrix. They are deliberately not computed from ``action_plans.policy``: were the
tests to derive their expectations from the policy they test, a wrong policy (editors
given the validation, say) would pass every one of them. A change to the policy must
change a cell here too; tests/action_plans/test_permissions.py checks every cell against
the grants and the access helpers.

A row is a ``PlanAction``, a column a member of the cast (tests/conftest.py, in short:
``COLUMNS``). ``yes``: held and usable now; ``-``: not held; ``closed``: held, but the
plan's status closes it (outside a draft the plan's content is frozen).
"""

from dataclasses import dataclass

from action_plans.policy import PlanAction

YES, NO, CLOSED = "yes", "-", "closed"

# The columns: each member of the cast, in short.
COLUMNS = {
    "anon": "anonymous",
    "admin": "administrator",  # platform administrator, in no organisation
    "co_a": "coordinator_a",  # lead ministry: leads plan A, and every activity but monitoring
    "ed_s": "editor_s",  # statistics office: leads plan A jointly, and its monitoring
    "co_x": "coordinator_x",  # ministry X takes part in plan A
    "ed_x": "editor_x",
    "sig_x": "signatory_x",
    "view_x": "viewer_x",
    "ed_y": "editor_y",  # ministry Y takes part in plan A
    "co_b": "coordinator_b",  # city B leads plan B and takes no part in plan A
    "out": "outsider",  # an organisation in no plan
}

# Those who act for each organisation of the cast (its editors and coordinators): the
# owners of the organisation's own items.
ACTS_FOR = {
    "lead_ministry": {"coordinator_a"},
    "statistics_office": {"editor_s"},
    "ministry_x": {"coordinator_x", "editor_x"},
    "ministry_y": {"editor_y"},
    "city_b": {"coordinator_b"},
}


@dataclass(frozen=True)
class AccessTable:
    cells: dict[PlanAction, dict[str, str]]  # action → role → YES, NO or CLOSED

    def mark(self, role: str, action: PlanAction) -> str:
        return self.cells[action][role]

    def allows(self, role: str, action: PlanAction | None) -> bool:
        """Whether ``role`` may use ``action`` now (no one may use None)."""
        return action is not None and self.mark(role, action) == YES

    def held(self, role: str) -> frozenset[PlanAction]:
        """The actions ``role`` holds, open now or closed by the plan's status."""
        return frozenset(action for action, row in self.cells.items() if row[role] != NO)

    def roles(self) -> list[str]:
        return list(next(iter(self.cells.values())))


def access_table(text: str) -> AccessTable:
    """Read a table: a header of short member names, then one line per action."""
    header, *lines = [line.split() for line in text.strip().splitlines()]
    roles = [COLUMNS[short] for short in header]
    if len(set(roles)) != len(roles):
        raise ValueError(f"a member named twice: {header}")
    cells: dict[PlanAction, dict[str, str]] = {}
    for label, *marks in lines:
        action = PlanAction(label)
        if action in cells or len(marks) != len(roles) or set(marks) - {YES, NO, CLOSED}:
            raise ValueError(f"a malformed row: {label} {marks}")
        cells[action] = dict(zip(roles, marks, strict=True))
    if set(cells) != set(PlanAction):
        raise ValueError(f"rows missing: {set(PlanAction) - set(cells)}")
    return AccessTable(cells)


# Plan A, a draft (as the cast makes it). The lead ministry's coordinator runs the plan
# and does the work of every activity; the statistics office's editor, that of
# monitoring, the activity their office leads; the other editors and coordinators
# contribute; the signatory signs; the administrator sees and governs every plan.
PLAN_A_DRAFT = access_table(
    """
                      anon  admin  co_a  ed_s  co_x  ed_x  sig_x  view_x  ed_y  co_b  out
view                   -     yes    yes   yes   yes   yes   yes    yes     yes   -     -
contribute             -     -      yes   yes   yes   yes   -      -       yes   -     -
prioritise             -     -      yes   -     -     -     -      -       -     -     -
review_frameworks      -     -      yes   -     -     -     -      -       -     -     -
design_interventions   -     -      yes   -     -     -     -      -       -     -     -
mobilise_resources     -     -      yes   -     -     -     -      -       -     -     -
monitor                -     -      yes   yes   -     -     -      -       -     -     -
validate               -     -      yes   -     -     -     -      -       -     -     -
change                 -     -      yes   -     -     -     -      -       -     -     -
govern                 -     yes    yes   -     -     -     -      -       -     -     -
sign                   -     -      -     -     -     -     yes    -       -     -     -
"""
)

# Plan A outside a draft: in validation, validated or adopted. Its members hold what
# they hold in a draft, but only seeing and signing stay open: every other action
# changes the plan's content, which is frozen until a draft is opened again.
PLAN_A_NOT_A_DRAFT = access_table(
    """
                     anon admin  co_a   ed_s   co_x   ed_x   sig_x view_x ed_y   co_b out
view                  -   yes    yes    yes    yes    yes    yes   yes    yes    -    -
contribute            -   -      closed closed closed closed -     -      closed -    -
prioritise            -   -      closed -      -      -      -     -      -      -    -
review_frameworks     -   -      closed -      -      -      -     -      -      -    -
design_interventions  -   -      closed -      -      -      -     -      -      -    -
mobilise_resources    -   -      closed -      -      -      -     -      -      -    -
monitor               -   -      closed closed -      -      -     -      -      -    -
validate              -   -      closed -      -      -      -     -      -      -    -
change                -   -      closed -      -      -      -     -      -      -    -
govern                -   closed closed -      -      -      -     -      -      -    -
sign                  -   -      -      -      -      -      yes   -      -      -    -
"""
)

# Plan B, a draft led by city B alone: its coordinator runs it; no one else of the cast
# takes part; the administrator sees and governs it.
PLAN_B_DRAFT = access_table(
    """
                      anon  admin  co_a  ed_s  co_x  ed_x  sig_x  view_x  ed_y  co_b  out
view                   -     yes    -     -     -     -     -      -       -     yes   -
contribute             -     -      -     -     -     -     -      -       -     yes   -
prioritise             -     -      -     -     -     -     -      -       -     yes   -
review_frameworks      -     -      -     -     -     -     -      -       -     yes   -
design_interventions   -     -      -     -     -     -     -      -       -     yes   -
mobilise_resources     -     -      -     -     -     -     -      -       -     yes   -
monitor                -     -      -     -     -     -     -      -       -     yes   -
validate               -     -      -     -     -     -     -      -       -     yes   -
change                 -     -      -     -     -     -     -      -       -     yes   -
govern                 -     yes    -     -     -     -     -      -       -     yes   -
sign                   -     -      -     -     -     -     -      -       -     -     -
"""
)
