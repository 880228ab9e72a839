"""Shared hypothesis settings and hostile inputs for the form fuzzers."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The Django client and database are reused across examples on purpose: state piles up the way
# it would on a real site under a stream of odd requests.
fuzz = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADER_INJECTION = "Ринго\r\nBcc: x@evil.example"
SCRIPT = "<script>alert(1)</script>"

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5000),
    st.sampled_from([HEADER_INJECTION, SCRIPT, "\x00", " ", "ü@ü.ü", "a@b\r\n.c"]),
)
