"""Development: runs with no environment variables at all."""

from .base import *  # noqa: F403
from .base import SECURE_CSP, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-development-only-key-never-in-production"
)

# Django's debug pages use inline styles and scripts: report policy violations, don't enforce.
SECURE_CSP_REPORT_ONLY = SECURE_CSP
SECURE_CSP = {}
