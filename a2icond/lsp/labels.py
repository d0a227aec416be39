"""Rekognition's moderation label taxonomy, as the editor shows it (from lint's shipped data)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Label:
    """One model-7 label and its ancestors, top-level category first."""

    name: str
    level: int
    parents: tuple[str, ...]

    @property
    def category(self) -> str:
        """`Explicit › Explicit Nudity`, or `top-level category` for a level-1 label."""
        return " › ".join(self.parents) if self.parents else "top-level category"


@cache
def taxonomy() -> dict[str, Label]:
    """Model-7 labels by name, in the order of AWS's taxonomy table."""
    from ..fileio import package_text

    data = json.loads(package_text("data/rekognition-moderation-labels.json"))
    parent = {item["Name"]: item["ParentName"] for item in data["model_7"]}
    out: dict[str, Label] = {}
    for item in data["model_7"]:
        chain: list[str] = []
        up = item["ParentName"]
        while up and up not in chain:
            chain.insert(0, up)
            up = parent.get(up, "")
        out.setdefault(item["Name"], Label(item["Name"], int(item["TaxonomyLevel"]), tuple(chain)))
    return out
