"""The sandbox's exception hierarchy."""


class SandboxError(Exception):
    """Base of every error the sandbox raises."""


class SandboxUnavailable(SandboxError):
    """A mechanism the backend needs is missing on this host.

    The message names the mechanism and what cannot be enforced without it.
    """


class SandboxConfigError(SandboxError):
    """The caller asked for something invalid (a missing path, a bad limit)."""
