"""What the password tests share: the reset pages' addresses and a password good enough to set."""

RESET_URL = "/auth/password_reset/"
DONE_URL = "/auth/password_reset/done/"
NEW_PASSWORD = "a-brand-new-passphrase-42"


def logs_in(browser, username: str, password: str) -> bool:
    """Log in through the login page, as a person would (django-axes watches every attempt;
    Client.login() would call authenticate() without a request, which it refuses)."""
    response = browser.post("/auth/login/", {"username": username, "password": password})
    return response.status_code == 302
