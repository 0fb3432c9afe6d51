"""What gunicorn serves: ``gunicorn -c deploy/gunicorn.conf.py portal.wsgi:app``.

The app is built from PORTAL_* variables / the PORTAL_CONFIG file, with the
operator's health endpoint, and refuses an insecure configuration in production
mode (portal.production) with one clear line instead of a traceback.
"""

from __future__ import annotations

from portal.production import production_app

app = production_app()
