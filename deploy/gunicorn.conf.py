"""gunicorn settings for scripts/run.sh, the Docker image and the benchmarks (``gunicorn -c``).

Why threads: a sync worker is held for the whole of a request, including the time a client takes
to send it and the up to 1.5 s a search waits for a hung node; two of them were easy to block
(issue 12). ``gthread`` serves ``WEB_THREADS`` requests at once per worker. Slow clients are still
nginx's job (scripts/run.sh puts it in front): a thread that has started reading a trickled request
line waits for it, so nginx hands gunicorn only complete requests.
"""

import os

bind = os.environ.get("GUNICORN_BIND", os.environ.get("BIND", "127.0.0.1:8000"))
workers = int(os.environ.get("WEB_WORKERS", "2"))
# service.gunicorn_worker.SafeThreadWorker is gthread whose own 400/414/431 answers carry the
# app's security headers (JSON under /api/).
worker_class = "service.gunicorn_worker.SafeThreadWorker"
# Eight threads per worker: the first wave of requests against a hung node (one per thread) is what
# opens the circuit breaker (service/breaker.py, three failures in a row), so more threads do not
# lengthen a frozen-node wait; the GIL makes more of them useless for the CPU-bound part.
threads = int(os.environ.get("WEB_THREADS", "8"))
worker_connections = 1000
# A worker silent for 30 s is restarted; a finished request's connection is kept 5 s (nginx keeps
# its upstream connections 1 s, so it never reuses one gunicorn has just closed).
timeout = 30
graceful_timeout = 10
keepalive = 5
# The API accepts long URLs (up to 20 values of each facet and a 500-character query, all
# percent-encoded). 0 lifts gunicorn's 4,094-byte request line (gunicorn then caps it at 1 MiB
# itself); nginx in front bounds it at 64 KiB (deploy/nginx/site.conf.template).
limit_request_line = 0
# A header line as long as nginx lets through (64 KiB), so that gunicorn never answers one itself.
limit_request_field_size = 65536
accesslog = "-"
# No control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) is shared by every gunicorn of
# the user (tests, benchmarks and `make run` at once), and nothing here uses gunicornc.
control_socket_disable = True


def post_worker_init(worker):
    """Load the gazetteer's names for did-you-mean before the worker takes requests. Loaded on the
    first suggestion instead, it held the GIL for about 1.5 s while the worker's other threads
    waited for their searches, past the 1.5 s search timeout: two 503s in the first seconds of
    bench_load's query log (docs/benchmarks.md)."""
    extensions = getattr(worker.wsgi, "extensions", {})
    for name in ("name_variants", "suggest_aliases"):  # one gazetteer load serves both
        if extensions.get(name) is not None:
            extensions[name].get()
