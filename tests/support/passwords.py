"""What the password tests share: the reset pages' addresses and a password good enough to set."""

RESET_URL = "/auth/password_reset/"
DONE_URL = "/auth/password_reset/done/"
NEW_PASSWORD = "a-brand-new-passphrase-42"
