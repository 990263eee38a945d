"""Domain errors that services raise when a rule or a state forbids an action.

The API answers them with 409 `{"detail", "code"}` (shared/API.md); pages show
the message. Codes are public: not_eligible, already_granted, budget_exhausted,
pending_review, not_in_subsidy_zone, invalid_state, deadline_passed, ...
"""

from __future__ import annotations


class RuleError(Exception):
    code = "rule_violation"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidState(RuleError):
    code = "invalid_state"
