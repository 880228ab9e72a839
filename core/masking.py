"""Email addresses in logs: enough to recognise an account, not enough to harvest."""


def mask_email(address: str) -> str:
    """Keep the first letter of the local part and the domain: ``a***@acme.not``."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"
