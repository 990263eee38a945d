"""What the members app tells the layers above it, without knowing them.

`business_facts_changed` is sent inside the transaction that changed what the
eligibility rules read about a business (registry data, declarations, the staff
review, the exclusion and prior-recipient lists). The points app owns the full
grant rule (it adds this site's earlier grants, M7) and listens, to store the
judgement the member and staff see.
"""

from django.dispatch import Signal

# kwargs: business
business_facts_changed = Signal()
