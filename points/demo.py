"""Demo data of the points app, called by `manage.py seed_demo` (idempotent).

member@demo.test's business completes the self-assessment and holds the
program's points (granted through the services); eligible@demo.test has none.
"""

from __future__ import annotations

from members.models import User
from points.models import LedgerEntry, Wallet
from points.selectors import program_current

HOLDER = "member@demo.test"


def seed(*, command, members: int = 0, plans: int = 0) -> None:
    from points.services import assessment_complete, assessment_questions_ensure, wallet_grant

    questions = assessment_questions_ensure()
    program = program_current()
    holder = User.objects.filter(email=HOLDER).select_related("business").first()
    if program is None or holder is None or holder.business is None:
        return
    if Wallet.objects.filter(business=holder.business, program=program).exists():
        return
    # The member's answers: the first choice of every question.
    answers = [
        {"question": q.pk, "choice": q.choices.order_by("position", "id")[0].pk}
        for q in questions
        if q.choices.exists()
    ]
    result = assessment_complete(user=holder, answers=answers)
    if result.outcome != "granted":
        # The demo promises a member holding points whatever the eligibility
        # engine says about this invented business.
        wallet_grant(
            business=holder.business, program=program, actor=None, reason=LedgerEntry.Cause.DEMO
        )
    command.stdout.write(f"points: {HOLDER} holds {program.points_per_member:,} points")
