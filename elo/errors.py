"""The rating engine's exception hierarchy: every message names the value that is wrong and why."""


class EloError(Exception):
    """Base of every error `elo` raises; the CLI prints it as one line and exits 2."""


class StandingsError(EloError):
    """Standings that cannot be rated: arrays of different lengths, no contestant, a non-finite value."""


class EstimatorError(EloError):
    """An estimator was asked for something it cannot answer (no contests, an unknown estimator name)."""


class PopulationError(EloError):
    """An unknown population name, or a bundled population table that is missing or malformed."""
