"""The ledger's one table of moves (RULES T5): where each kind of entry takes
points from and where it puts them.

A wallet's points sit in one of its figures (`available`, `held`, `spent`) or
have gone back to the program (`returned_to_program`); a grant takes them from
the program's budget. Every service that moves points (points.services) and
every reconciliation that recomputes a wallet from its entries
(points.selectors) reads this table, so the two cannot disagree.
"""

from __future__ import annotations

from points.models import LedgerEntry

PROGRAM = "program"  # the program's budget (a grant's source; revoke/expire's target)
# Points coming back from an order: to `available` while the wallet is valid,
# else to the program (T4, R5). The entry's `to_program` records which.
BACK = "back"

K = LedgerEntry.Kind

MOVES: dict[str, tuple[str, str]] = {
    K.GRANT: (PROGRAM, "available"),
    K.HOLD: ("available", "held"),
    K.RELEASE: ("held", BACK),
    K.SPEND: ("held", "spent"),
    K.RETURN: ("spent", BACK),
    K.REVOKE: ("available", PROGRAM),
    K.EXPIRE: ("available", PROGRAM),
}


def destination(kind: str, *, to_program: bool) -> str:
    """The figure an entry put its points in (`PROGRAM` for the budget)."""
    target = MOVES[kind][1]
    if target == BACK:
        return PROGRAM if to_program else "available"
    return target


def figures_from(rows) -> dict[str, int]:
    """A wallet's figures from its entries' sums: `rows` are (kind, to_program,
    points). What a grant takes from the program counts as `granted`; what goes
    back to it, as `returned_to_program`."""
    figures = dict.fromkeys(("granted", "available", "held", "spent", "returned_to_program"), 0)
    for kind, to_program, points in rows:
        source = MOVES[kind][0]
        if source == PROGRAM:
            figures["granted"] += points
        else:
            figures[source] -= points
        target = destination(kind, to_program=to_program)
        figures["returned_to_program" if target == PROGRAM else target] += points
    return figures
