import pytest

from birthday.signals import beatles_name_rejected


@pytest.fixture
def signals():
    """Every beatles_name_rejected sent while the test runs, as the kwargs it carried."""
    received = []

    def receiver(sender, **kwargs):
        received.append({"sender": sender, **kwargs})

    beatles_name_rejected.connect(receiver, dispatch_uid="test-recorder")
    yield received
    beatles_name_rejected.disconnect(dispatch_uid="test-recorder")
