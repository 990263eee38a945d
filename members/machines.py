"""The members app's state machines: the registration wizard (RULES M6), whose
state is the application's step, and the staff review of a tax-registered
business (M5). Facts (a method chosen, a failed try, an email changed) are
recorded without a change of step."""

from __future__ import annotations

from members.models import Business, MemberEvent, RegistrationApplication
from tcloud.core.statemachine import APPLICANT, SYSTEM, Machine, transition

Step = RegistrationApplication.Step
Review = Business.Review

# The tax ID step creates the application (registration_start), at VERIFICATION.
REGISTRATION = Machine(
    model=RegistrationApplication,
    status_field="step",
    event_model=MemberEvent,
    event=lambda application: {"application": application},
    transitions=[
        transition("method_chosen", {Step.VERIFICATION}, None, APPLICANT),
        transition("verification_failed", {Step.VERIFICATION}, None, APPLICANT),
        transition("verified", {Step.VERIFICATION}, Step.DECLARATIONS, APPLICANT),
        transition("declarations_accepted", {Step.DECLARATIONS}, Step.CONSENT, APPLICANT),
        transition("consent_given", {Step.CONSENT}, Step.ACCOUNT, APPLICANT),
        transition("account_created", {Step.ACCOUNT}, Step.EMAIL, APPLICANT),
        transition("email_changed", {Step.EMAIL}, None, APPLICANT),
        transition("email_confirmed", {Step.EMAIL}, Step.DONE, APPLICANT),
        # Another application took this one's email address (its account goes).
        transition("account_replaced", set(Step.values) - {Step.DONE}, None, APPLICANT, SYSTEM),
    ],
)

BUSINESS_REVIEW = Machine(
    model=Business,
    status_field="review_status",
    event_model=MemberEvent,
    event=lambda business: {"business": business},
    tones={Review.PENDING: "info", Review.APPROVED: "success", Review.REJECTED: "warning"},
    transitions=[
        transition("review_requested", {Review.NOT_REQUIRED}, Review.PENDING, APPLICANT, "staff"),
        transition("review_approved", {Review.PENDING}, Review.APPROVED, "staff"),
        transition("review_rejected", {Review.PENDING}, Review.REJECTED, "staff"),
    ],
)
