"""The JSON Schema of the contest model (``cpelo contests schema``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from contests.contest import Contest
from contests.problem import Problem
from contests.standings import Standings

MODELS: dict[str, type[BaseModel]] = {"contest": Contest, "problem": Problem, "standings": Standings}


def json_schema(model: str = "all") -> dict[str, Any]:
    """Schema of one model, or (``all``) a document whose ``$defs`` hold all three."""
    if model != "all":
        return MODELS[model].model_json_schema(mode="serialization")
    schemas = {name: cls.model_json_schema(mode="serialization") for name, cls in MODELS.items()}
    defs: dict[str, Any] = {}
    for name, schema in schemas.items():
        defs.update(schema.pop("$defs", {}))
        defs[MODELS[name].__name__] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cpelo contest model",
        "oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in MODELS.values()],
        "$defs": defs,
    }
