"""The judge service: an HTTP API over a durable job queue in a SQL database, and the workers that drain it.

Modules: ``app`` (assembles ``routes``), ``middleware`` (access log with request ids, authentication
before any body is read, body limits and read timeouts), ``models`` (request/response bodies), ``db``
(tables, engine, migrations), ``queue`` (fair claims with leases, quotas, totals, retention),
``worker``, ``auth`` (hashed tokens, scopes, expiry, rate limits), ``problems`` (package upload,
ceilings, replace and delete), ``metrics`` (Prometheus text), ``server`` (API + local worker processes).
"""
