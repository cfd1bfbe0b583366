"""Running the portal for real: health and readiness, Prometheus metrics, JSON logs with a
request id, knowing a database outage when one happens, and once-per-host locks."""
