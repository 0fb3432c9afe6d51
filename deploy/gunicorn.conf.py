"""gunicorn settings for the portal (`gunicorn -c deploy/gunicorn.conf.py`).

The app is configured by PORTAL_* variables / PORTAL_CONFIG as usual; it is
`portal.wsgi:app`, which refuses an insecure configuration in production mode.
"""

import logging
import multiprocessing
import os
import re

import gunicorn
import gunicorn.http.wsgi

# Only the local Tor daemon (or a TLS proxy on this host) talks to us.
bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
# Threads overlap fsync and network waits; processes use both cores for crypto.
workers = int(os.environ.get("PORTAL_WORKERS", multiprocessing.cpu_count()))
# The app checks the worker count (SQLite and in-memory rate limits need exactly one).
os.environ["PORTAL_WORKERS"] = str(workers)
wsgi_app = "portal.wsgi:app"
threads = int(os.environ.get("PORTAL_THREADS", "4"))
worker_class = "gthread"
# Slow Tor circuits upload large files slowly; do not cut them off.
timeout = 600
graceful_timeout = 60
keepalive = 5
# No access log: it would record addresses, paths and times of sources.
accesslog = None
disable_redirect_access_to_syslog = True
# Errors only, to stderr (the app itself never logs content or addresses).
errorlog = "-"
loglevel = "warning"
# Do not trust X-Forwarded-* from anyone: we never want a client address anyway.
forwarded_allow_ips = ""
proxy_allow_ips = ""
# Request line / header limits stay at gunicorn's defaults; bodies are bounded by
# MAX_CONTENT_LENGTH in the app.
# Hide the server software and version in the Server header.
gunicorn.http.wsgi.SERVER = "portal"
gunicorn.http.wsgi.SERVER_SOFTWARE = "portal"


class _NoClientAddresses(logging.Filter):
    """gunicorn's warning about a malformed request names the client's address
    ("Invalid request from ip=...: ..."); the portal never logs addresses."""

    _FROM = re.compile(r"from ip=.*?: ")

    def filter(self, record):
        if isinstance(record.msg, str) and "ip=" in record.msg:
            record.msg = self._FROM.sub("from ip=[removed]: ", record.msg)
        return True


_error_log = logging.getLogger("gunicorn.error")
if not any(isinstance(f, _NoClientAddresses) for f in _error_log.filters):
    _error_log.addFilter(_NoClientAddresses())


def on_starting(server):
    """Before any worker exists, remove what a crash (SIGKILL, power cut) left behind.

    A worker killed while storing a report leaves a half-written ``.tmp/*.part`` file
    or a complete blob whose rows were never committed (the source got no codename).
    With no worker running yet, every such file is a leftover, whatever its age.
    Do not run blob-writing commands (``portal rekey``, ``backup restore``) while
    the server (re)starts. Problems here are left to the workers to report clearly.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from portal import create_app, db
    from portal.backup import referenced_blob_ids
    from portal.config import ConfigError

    try:
        app = create_app()
    except ConfigError:
        return
    engine = db.engine_for(app)
    try:
        with engine.connect() as connection:
            referenced = referenced_blob_ids(connection)
        removed = app.extensions["portal_blobs"].sweep(referenced, older_than_seconds=-1)
    except (SQLAlchemyError, OSError) as exc:
        server.log.warning("crash leftovers not swept (%s)", type(exc).__name__)
        return
    finally:
        # Connections must not be inherited by the workers forked next.
        engine.dispose()
    if removed:
        server.log.warning("removed %d crash leftover file(s) from the blob store", removed)
