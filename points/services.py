"""Write paths of the points app: the program (P1, P2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from points.models import Program

# Fields staff may change directly; the budget goes through its own rule.
_PROGRAM_FIELDS = {
    "name",
    "opens_on",
    "closes_on",
    "points_per_member",
    "activation_months",
    "validity_months",
    "copay_self_pay_parts",
    "copay_points_parts",
    "prior_grant_cutoff",
}


@transaction.atomic
def program_create(
    *,
    year: int,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    budget_total: int,
    categories=(),
    **params: Any,
) -> Program:
    """Open a program edition; its whole budget starts available."""
    unknown = set(params) - _PROGRAM_FIELDS
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    program = Program(
        year=year,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        budget_total=budget_total,
        budget_available=budget_total,
        **params,
    )
    program.full_clean()
    program.save()
    program.categories.set(categories)
    return program


@transaction.atomic
def program_update(
    *, program: Program, budget_total: int | None = None, categories=None, **fields: Any
) -> Program:
    """Change a program's parameters.

    A new total budget moves the available budget by the same amount, under a
    row lock so that concurrent grants are counted; it cannot go below what has
    already been granted (P2: the budget never goes below zero).
    """
    unknown = set(fields) - _PROGRAM_FIELDS
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    locked = Program.objects.select_for_update().get(pk=program.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    if budget_total is not None and budget_total != locked.budget_total:
        used = locked.budget_total - locked.budget_available
        if budget_total < used:
            raise ValidationError(
                {
                    "budget_total": _(
                        "The budget cannot be less than the %(used)s points already granted."
                    )
                    % {"used": f"{used:,}"}
                }
            )
        locked.budget_available = budget_total - used
        locked.budget_total = budget_total
    locked.full_clean()
    locked.save()
    if categories is not None:
        locked.categories.set(categories)
    return locked
