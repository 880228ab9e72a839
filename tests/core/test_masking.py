import pytest

from core.masking import mask_email


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("alice@acme.not", "a***@acme.not"),
        ("  Bob.Smith@Example.COM ", "B***@Example.COM"),
        ("x@y.z", "x***@y.z"),
        ("odd@local@acme.not", "o***@acme.not"),
        ("no-at-sign", "***"),
        ("@acme.not", "***"),
        ("", "***"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked
