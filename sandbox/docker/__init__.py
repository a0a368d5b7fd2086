"""The docker backend: each run goes through the native runner inside a hardened, long-lived container.

Kept free of imports at package level: ``sandbox.config`` imports ``sandbox.docker.options``.
"""
