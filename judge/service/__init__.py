"""The judge service: an HTTP API over a durable job queue in a SQL database, and the workers that drain it.

Modules: ``app`` (routes), ``models`` (request/response bodies), ``db`` (tables, engine, migrations),
``queue`` (claims with leases), ``worker``, ``auth`` (hashed tokens, rate limits), ``problems`` (package
upload and storage), ``metrics`` (Prometheus text), ``server`` (API + local worker processes).
"""
