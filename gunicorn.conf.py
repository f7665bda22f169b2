"""gunicorn settings for production: `make serve`, or `.venv/bin/gunicorn` from this folder.

Threaded workers (gthread): a request waiting on the database or a slow client holds a thread,
not a whole process. Run it behind a buffering proxy (nginx: README "Deploying"), which receives
slow uploads and sends slow responses, so a worker's threads are never held by a slow network.
Every value can be overridden by an environment variable of the same name in capitals (below)
or on the command line (`gunicorn --workers 4 ...`).
"""
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # about one per core
threads = int(os.environ.get("THREADS", "4"))
timeout = int(os.environ.get("TIMEOUT", "60"))  # a worker silent this long is restarted
graceful_timeout = 30
keepalive = 5
# Recycling workers after MAX_REQUESTS requests is off by default: with threaded workers a
# recycled worker drops the keep-alive connections it holds, and a request a client has just sent
# on one is reset (gunicorn issue #3038); a new worker also spends a second or two of CPU loading
# the app while the others serve. Memory per worker is bounded without it (the page cache holds
# at most PAGE_CACHE_CHARS characters). Behind a proxy that retries idempotent requests it is safe
# to turn on.
max_requests = int(os.environ.get("MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
# The proxy's address: only from it are X-Forwarded-Proto (and, with PROXY_COUNT, -For) trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
