"""The loaded region and the names of its files: what every layer above passes around."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from digireform.model.errors import Problem
from digireform.model.schema import file_spec

FOLDER_RE = re.compile(r"^(\d{4})-(.+)$")
PROFILE_FILE = "kommune.yaml"
KINDS = ("systems", "welfare")
AGE_BANDS = ("0-17", "18-66", "67-79", "80+")
CHANNEL_FIELDS = (
    "personal_visits", "phone_in", "phone_out", "web_visits", "letters_in", "letters_out",
    "email_in", "email_out", "digital_post_out", "selfservice_completed", "selfservice_abandoned",
)


@dataclass
class Region:
    """The loaded data: one row per municipality, system and welfare record."""

    data_dir: Path
    municipalities: pd.DataFrame  # index: number
    systems: pd.DataFrame
    welfare: pd.DataFrame
    profiles: dict[str, dict[str, Any]]  # kommune.yaml without personal data
    contacts: dict[str, list[dict[str, Any]]] = field(repr=False, default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def example_data(self) -> bool:
        return bool(self.municipalities["example_data"].any()) if len(self.municipalities) else False

    @property
    def numbers(self) -> list[str]:
        return list(self.municipalities.index)

    def name(self, number: str) -> str:
        return str(self.municipalities.at[number, "name"])

    def file(self, number: str, kind: str) -> Path:
        """Path of a municipality's data file (`systems`, `welfare` or `profile`)."""
        folder = Path(self.municipalities.at[number, "folder"])
        return folder / (PROFILE_FILE if kind == "profile" else file_spec(kind).filename)

    def in_use_systems(self) -> pd.DataFrame:
        """Systems whose lifecycle is not `retired`."""
        return self.systems[self.systems["lifecycle"] != "retired"]
