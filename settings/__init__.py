"""The Birthday project package: settings profiles, URLs and the WSGI/ASGI entry points."""
