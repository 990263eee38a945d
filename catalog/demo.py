"""Demo data of the catalog app, called by `manage.py seed_demo` (idempotent)."""


def seed(*, command, members: int = 0, plans: int = 0) -> None:
    """Add this app's demo data; `command` is the seed_demo command (stdout, style)."""
