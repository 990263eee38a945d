from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from members.signals import business_facts_changed


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = _("Program and points")

    def ready(self) -> None:
        from points import machines  # noqa: F401 - registers the state machines
        from points.services import business_eligibility_refresh

        # The members app changed what the grant rule reads: store the new
        # judgement (the rule is this app's: it adds the earlier grants, M7).
        business_facts_changed.connect(
            lambda business, **kwargs: business_eligibility_refresh(business=business),
            dispatch_uid="points.business_facts_changed",
            weak=False,
        )
