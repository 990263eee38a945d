"""What the points app tells the layers above it, without knowing them.

`program_changed` is sent inside the transaction that changed a program's
parameters or its subsidy-zone categories; the catalog listens so that its
cached pages (zone badges, price previews) show the change at once. This is the
one direction a lower layer may speak to a higher one (README, "Architecture").
"""

from django.dispatch import Signal

# kwargs: program
program_changed = Signal()
