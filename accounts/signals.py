"""Security events of the accounts app. Other apps listen; this app never knows who.

Sent once per crossing (not for every refused attempt after it), never with a password or a
token; addresses go out masked (core masking: ``a***@acme.not``).

login_locked
    Sent by `lockout.LoginLimitHandler` when failed logins reach a limit.
    sender: the handler class
    scope: "pair" (one username from one IP, LOGIN_LIMIT_PER_PAIR) or "ip" (any username from
        one IP, LOGIN_LIMIT_PER_IP)
    username: str, normalized as counted (None for scope "ip")
    ip: str, the client IP; failures: int, the count that reached the limit

ip_limit_passed
    Sent by the views when one client IP passes a per-IP limit within its window.
    sender: the view class
    limit: "password_reset" (PASSWORD_RESET_LIMIT_PER_IP) or "signup" (SIGNUP_LIMIT_PER_IP)
    ip: str; count: int, the request that passed it; allowed: int, the limit

admin_password_changed
    Sent by `User.save()` after the commit that changed the password of a staff account, by any
    path (password change or reset page, the admin, `changepassword`); not when one is created.
    sender: the user model
    user_id: int; username: str; email: str, masked
"""

from django.dispatch import Signal

login_locked = Signal()
ip_limit_passed = Signal()
admin_password_changed = Signal()
