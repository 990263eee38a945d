from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer: urls, pages that combine several apps, the staff overview,
    demo data and the commands. It may import every app; no app imports it."""

    name = "tcloud.site"
    label = "tcloud_site"
    verbose_name = _("Site")
