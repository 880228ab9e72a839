"""Production: every secret comes from the environment, and a missing one stops start-up."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env
from .mailers import build_mailers

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")

# Production names its mail backend: a forgotten EMAIL_BACKEND must not quietly write files.
MAILERS = build_mailers(env, file_path=BASE_DIR / "sent_emails", default_backend=None)
