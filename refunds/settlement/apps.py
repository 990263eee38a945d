from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    """Paying vendors the points portion (RULES S1-S6). It sits in the refunds
    layer, above orders and refunds (a clawback is a refund after a statement);
    nothing in refunds imports it (pyproject's import-linter contracts)."""

    name = "refunds.settlement"
    label = "settlement"
    verbose_name = _("Settlement with vendors")

    def ready(self) -> None:
        from refunds.settlement import machines  # noqa: F401 - registers the machine
