"""An email's HTML shown inside our pages: its own document in a sandboxed iframe.

The iframe's page is answered with a policy of its own, enforced in every profile: nothing runs,
nothing is fetched, the email's inline styles apply, and only our own pages may frame it. The
page around it keeps the site's policy; `sandbox` without `allow-scripts` or
`allow-same-origin` gives the email no script and no access to the site, whatever it holds.
"""

from django.http import HttpResponse
from django.utils.csp import CSP

EMAIL_POLICY = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
}


def framed_html(html: str) -> HttpResponse:
    """The HTML of an email as a response that only our own pages may frame, running nothing."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response._csp_config = EMAIL_POLICY  # read by Django's ContentSecurityPolicyMiddleware
    response._csp_ro_config = {}
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
