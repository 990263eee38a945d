from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from points.signals import program_changed


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog and vendors")

    def ready(self) -> None:
        from catalog import machines  # noqa: F401 - registers the state machines
        from catalog.cache import catalog_changed

        # A program's zone categories and points per member show on catalog
        # pages: a change makes the cached pages stale at once.
        program_changed.connect(
            lambda **kwargs: catalog_changed(), dispatch_uid="catalog.program_changed", weak=False
        )
