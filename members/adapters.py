from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts made through the public sign-up are members.

    Vendor and staff accounts are created by staff (admin or seed_demo), never
    through sign-up.
    """

    def save_user(self, request, user, form, commit=True):
        user.role = user.Role.MEMBER
        return super().save_user(request, user, form, commit=commit)
