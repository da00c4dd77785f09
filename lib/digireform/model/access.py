"""Who may write what on a shared server: the access file's meaning, without touching the system.

The data repository's `access.yaml` (schema `schemas/access.schema.yaml`) lists the hub's
users and the municipalities each may change; `hub_access.yaml` in the package says which
system group stands for what (`dr-prosjekt` reads everything, `dr-1853` writes Evenes'
folder, `dr-innkjop` writes procurement/). This module turns one into the other; reading the
file is `validate.access`, the system's groups and permissions are `io.access`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from digireform.model.schema import package_yaml


@cache
def settings() -> dict[str, Any]:
    """The package's hub_access.yaml: group names, modes, the dashboards' user."""
    return package_yaml("hub_access.yaml")


def municipality_group(number: str) -> str:
    """«dr-1853»: the group that may write municipalities/1853-…/."""
    return settings()["groups"]["municipality"].format(number=number)


def project_group() -> str:
    return settings()["groups"]["project"]


def procurement_group() -> str:
    return settings()["groups"]["procurement"]


def admin_group() -> str:
    return settings()["groups"]["admin"]


def mode(name: str) -> int:
    """A mode of hub_access.yaml («2775») as a number."""
    return int(str(settings()["modes"][name]), 8)


@dataclass(frozen=True)
class UserAccess:
    """One user of access.yaml: the municipalities they may change, procurement, admin."""

    user: str
    name: str = ""
    municipalities: tuple[str, ...] = ()
    procurement: bool = False
    admin: bool = False

    def groups(self) -> set[str]:
        """Every managed group this user belongs to."""
        out = {project_group(), *(municipality_group(n) for n in self.municipalities)}
        if self.procurement:
            out.add(procurement_group())
        if self.admin:
            out.add(admin_group())
        return out


@dataclass(frozen=True)
class Access:
    """The whole access file: user name → their access."""

    users: dict[str, UserAccess]

    def members(self) -> dict[str, set[str]]:
        """Group → its members, for every managed group (numbers of the access file)."""
        out: dict[str, set[str]] = {project_group(): set(), procurement_group(): set(), admin_group(): set()}
        for u in self.users.values():
            for group in u.groups():
                out.setdefault(group, set()).add(u.user)
        return out


def user_access(user: str, entry: Any) -> UserAccess:
    """One entry as read from the file (None: reads only); values already checked by the schema."""
    entry = entry or {}
    numbers = tuple(str(n).strip() for n in entry.get("municipalities") or ())
    return UserAccess(user, str(entry.get("name") or "").strip(), numbers,
                      bool(entry.get("procurement")), bool(entry.get("admin")))
