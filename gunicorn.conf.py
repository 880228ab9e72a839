"""gunicorn's own settings (read from the working directory): its log lines in the site's format.

Everything else comes from the environment, so the Procfile stays `gunicorn settings.wsgi`:
PORT (binds 0.0.0.0:$PORT), WEB_CONCURRENCY (worker processes), FORWARDED_ALLOW_IPS (proxies
trusted for X-Forwarded-*), GUNICORN_CMD_ARGS (any other option).
"""

import os

from settings.logging import build_logging

logconfig_dict = build_logging(
    os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO")
)
