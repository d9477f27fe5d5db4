"""What applicants reports for higher apps to act on (applicants imports none of them).

Both are sent inside the transaction of the change, by the Django admin's user pages; the audit
trail (institutions.audit) records them.
"""

from django.dispatch import Signal

# A staff member set (or disabled) an account's password in the admin. Arguments: actor, user.
password_set_by_staff = Signal()

# A staff member created an account, or changed what it may do (username, kind, active, staff,
# superuser, groups), in the admin. Arguments: actor, user, created (bool), changes
# ({field: [before, after]}, JSON-able; before is None when created).
account_changed_by_staff = Signal()
