from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts made through the public sign-up are members.

    Members register through the wizard (members.views.join, RULES M6), which
    creates the account with its business; /accounts/signup/ redirects there and
    allauth's own sign-up is closed so no member exists without a business.
    Vendor and staff accounts are created by staff (admin or seed_demo).
    """

    def is_open_for_signup(self, request):
        return False

    def save_user(self, request, user, form, commit=True):
        user.role = user.Role.MEMBER
        return super().save_user(request, user, form, commit=commit)
