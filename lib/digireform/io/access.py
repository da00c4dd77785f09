"""Write rights on a shared server, as the operating system has them.

On a hub every user's server runs as that user's system account, so who may write a
municipality's folder is decided by the kernel (groups and file modes), not by Python: a
notebook user who bypasses the forms meets the same refusal. Two halves:

* `require_writable(paths)`, called by the one save path before it locks anything: when the
  system says this process may not write a file's folder (``access(2)``), the save is refused
  with «Du kan bare endre data for Evenes …» instead of a PermissionError half-way. The
  system decides; the data repository's access.yaml is read only to word the message.
* `plan(data_dir, access)` / `apply(changes)` (`digireform access apply`, as root): the system
  groups, users, memberships, owners and modes the access file asks for (group names and
  modes in the package's hub_access.yaml), as a list of changes that is empty when everything
  already is as asked (so a second run changes nothing and says so).

Layout (modes from hub_access.yaml): the data folder is readable by the project group only;
municipalities/<nr>-<slug>/ belongs to `dr-<nr>` and procurement/ to `dr-innkjop`, writable by
that group, setgid so new files keep the group; .git belongs to the project group, every
member can commit (``core.sharedRepository=group``), but its config and hooks stay root's.
Symbolic links are never followed or changed.
"""
from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from digireform.io import git
from digireform.model import register
from digireform.model.access import (
    Access,
    UserAccess,
    admin_group,
    mode,
    municipality_group,
    procurement_group,
    project_group,
    settings,
    user_access,
)
from digireform.model.errors import DigireformError, display_path
from digireform.model.schema import load_yaml_text

USER_ENV = "JUPYTERHUB_USER"
_NUMBERED = re.compile(r"^(\d{4})-")


class AccessDenied(DigireformError):
    """The system does not let this user write there; nothing was written."""


# --------------------------------------------------------------------------- the save's check


def require_writable(paths: Iterable[Path]) -> None:
    """Refuse (AccessDenied, in Norwegian) when this process may not write the folder of a
    path: the atomic save creates a file there and renames it over the old one."""
    for path in paths:
        folder = Path(os.path.abspath(path)).parent
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            raise AccessDenied(refusal(Path(path)))


def refusal(path: Path) -> str:
    """«Du kan bare endre data for Evenes; municipalities/1806-narvik/systems.csv er ikke lagret.»"""
    mine = own_access(path)
    where = display_path(path)
    if mine is None:
        return f"Du har ikke skrivetilgang til {where}; filen er ikke lagret."
    names = [_name(n) for n in mine.municipalities] + (["innkjøp (procurement/)"] if mine.procurement else [])
    if not names:
        return f"Du kan bare lese dataene, ikke endre dem; {where} er ikke lagret."
    return f"Du kan bare endre data for {_joined(names)}; {where} er ikke lagret."


def own_access(path: Path) -> UserAccess | None:
    """This user's entry in the access.yaml above `path` (None: no such file, entry or reading);
    read loosely: it only words a message, the system has already decided."""
    name = settings()["access_file"]
    user = os.environ.get(USER_ENV) or pwd.getpwuid(os.getuid()).pw_name
    for folder in Path(os.path.abspath(path)).parents:
        candidate = folder / name
        if candidate.is_file():
            try:
                users = (load_yaml_text(candidate.read_text("utf-8")) or {}).get("users") or {}
                entry = users.get(user, False) if isinstance(users, dict) else False
                return None if entry is False or not isinstance(entry, dict | None) else user_access(user, entry)
            except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError, TypeError, ValueError):
                return None
    return None


def _name(number: str) -> str:
    known = register.get(number)
    return known.name_no if known else number


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


# --------------------------------------------------------------------------- applying the file


@dataclass(frozen=True)
class Change:
    """One change to the system: what it does in Norwegian, and how."""

    text: str
    run: Callable[[], None] = field(compare=False, repr=False)
    area: str = ""  # for owners and modes: the top folder it lies in, so a summary can count them


def summary(changes: list[Change]) -> list[str]:
    """One line per group, user and membership change; owners and modes counted per folder."""
    lines, counted = [], {}
    for change in changes:
        if change.area:
            counted[change.area] = counted.get(change.area, 0) + 1
        else:
            lines.append(change.text)
    for area, n in counted.items():
        lines.append(f"Sett eier, gruppe og rettigheter på {n} {'fil eller mappe' if n == 1 else 'filer og mapper'} i {area}")
    return lines


def plan(data_dir: Path, access: Access) -> list[Change]:
    """Every change that makes the system match `access` for `data_dir` (empty: it already does).

    Groups and users first, then memberships, then owners and modes of the files."""
    data_dir = Path(os.path.abspath(data_dir))
    groups = _wanted_groups(data_dir, access)
    changes = [_add_group(g) for g in sorted(groups) if not _group_exists(g)]
    changes += [_add_user(u) for u in access.users.values() if not user_exists(u.user)]
    dash = settings()["dashboards_user"]
    if not user_exists(dash):
        changes.append(_add_system_user(dash))
    members = access.members()
    members.setdefault(project_group(), set()).add(dash)
    for group in sorted(groups):
        wanted, now = members.get(group, set()), _members(group)
        changes += [_join(u, group) for u in sorted(wanted - now)]
        changes += [_leave(u, group) for u in sorted(now - wanted)]
    changes += list(_tree_changes(data_dir, groups))
    changes += _git_changes(data_dir)
    return changes


def apply(changes: list[Change]) -> None:
    """Make the changes, in order; a failing system command is a Norwegian DigireformError."""
    for change in changes:
        change.run()


def require_root() -> None:
    if os.geteuid() != 0:
        raise DigireformError("digireform access apply må kjøres som root (f.eks. «sudo digireform access apply "
                              "--data …»): bare root kan opprette grupper og endre eiere; ingenting er endret. "
                              "Med --dry-run vises hva som ville blitt endret.")


def _wanted_groups(data_dir: Path, access: Access) -> set[str]:
    """The managed groups: project, procurement, admin, and one per municipality (folder or file)."""
    numbers = {n for u in access.users.values() for n in u.municipalities}
    numbers |= {m.group(1) for f in _municipality_folders(data_dir) if (m := _NUMBERED.match(f.name))}
    return {project_group(), procurement_group(), admin_group(), *(municipality_group(n) for n in numbers)}


def _municipality_folders(data_dir: Path) -> list[Path]:
    root = data_dir / "municipalities"
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and _NUMBERED.match(p.name))


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def user_exists(name: str) -> bool:
    """A system user of this name exists (the hub config asks too)."""
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _members(group: str) -> set[str]:
    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


def _command(text: str, *argv: str) -> Change:
    def run() -> None:
        program = shutil.which(argv[0]) or argv[0]
        try:
            done = subprocess.run([program, *argv[1:]], capture_output=True, check=False, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise DigireformError(f"Kunne ikke {text[0].lower() + text[1:]}: {argv[0]} kunne ikke kjøres ({exc}).") from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DigireformError(f"Kunne ikke {text[0].lower() + text[1:]}: {reason[-1] if reason else done.returncode}.")

    return Change(text, run)


def _add_group(name: str) -> Change:
    return _command(f"Opprett gruppen {name}", "groupadd", name)


def _add_user(u: UserAccess) -> Change:
    return _command(f"Opprett brukeren {u.user}" + (f" ({u.name})" if u.name else ""), "useradd", "--create-home",
                    "--shell", settings()["new_user_shell"], "--comment", u.name or u.user, u.user)


def _add_system_user(name: str) -> Change:
    return _command(f"Opprett systembrukeren {name} (dashbordene, bare lesing)", "useradd", "--system",
                    "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment", "digireform dashbord", name)


def _join(user: str, group: str) -> Change:
    return _command(f"Legg {user} til i gruppen {group}", "gpasswd", "-a", user, group)


def _leave(user: str, group: str) -> Change:
    return _command(f"Fjern {user} fra gruppen {group}", "gpasswd", "-d", user, group)


# --------------------------------------------------------------------------- owners and modes


@dataclass(frozen=True)
class Wanted:
    """What one file or folder should be: its group, mode, and whether root must own it."""

    group: str
    mode: int
    root_owned: bool = True


def _tree_changes(data_dir: Path, groups: set[str]) -> Iterator[Change]:
    """Owner, group and mode of every file and folder under `data_dir` (.git included)."""
    for path, wanted in _wanted_tree(data_dir):
        change = _fix(path, wanted, data_dir)
        if change is not None:
            yield change


def _wanted_tree(data_dir: Path) -> Iterator[tuple[Path, Wanted]]:
    project = project_group()
    yield data_dir, Wanted(project, mode("root"))
    for entry in sorted(data_dir.iterdir()):
        if entry.is_symlink():
            continue
        if entry.name == ".git" and entry.is_dir():
            yield from _git_tree(entry)
        elif entry.name == "municipalities" and entry.is_dir():
            yield entry, Wanted(project, mode("readable_folder"))
            for child in sorted(entry.iterdir()):
                m = _NUMBERED.match(child.name)
                if child.is_dir() and not child.is_symlink() and m:
                    yield from _writable(child, municipality_group(m.group(1)))
                elif not child.is_symlink():
                    yield from _read_only(child, project)
        elif entry.name == "procurement" and entry.is_dir():
            yield from _writable(entry, procurement_group())
        else:
            yield from _read_only(entry, project)


def _walk(top: Path) -> Iterator[tuple[Path, bool]]:
    """(path, is folder) for `top` and everything below it; symbolic links left out."""
    if top.is_symlink():
        return
    yield top, top.is_dir()
    if top.is_dir():
        for folder, dirs, files in os.walk(top, followlinks=False):
            for name in sorted(dirs):
                path = Path(folder) / name
                if not path.is_symlink():
                    yield path, True
            for name in sorted(files):
                path = Path(folder) / name
                if not path.is_symlink():
                    yield path, False


def _writable(top: Path, group: str) -> Iterator[tuple[Path, Wanted]]:
    """A group's folder: folders setgid and group-writable, files group-writable; a file may be
    owned by whoever saved it last (a member of the group), so it is not taken back to root."""
    for path, is_dir in _walk(top):
        yield path, Wanted(group, mode("writable_folder") if is_dir else mode("file"), root_owned=is_dir)


def _read_only(top: Path, group: str) -> Iterator[tuple[Path, Wanted]]:
    for path, is_dir in _walk(top):
        yield path, Wanted(group, mode("readable_folder") if is_dir else _file_mode(path, "read_only_file"))


def _git_tree(git_dir: Path) -> Iterator[tuple[Path, Wanted]]:
    """.git: every member writes objects, refs and the index; config and hooks stay root's."""
    project = project_group()
    locked = {git_dir / "config", git_dir / "hooks"}
    for path, is_dir in _walk(git_dir):
        if path in locked or git_dir / "hooks" in path.parents:
            yield path, Wanted(project, mode("readable_folder") if is_dir else _file_mode(path, "git_locked"))
        elif is_dir:
            yield path, Wanted(project, mode("git_folder"), root_owned=False)
        else:  # git's objects are read-only on purpose: the group gets what the owner has
            owner = path.lstat().st_mode & 0o700
            yield path, Wanted(project, owner | (owner >> 3), root_owned=False)


def _file_mode(path: Path, name: str) -> int:
    """The mode `name`, with execute bits where the owner may execute the file (a hook, a script)."""
    base = mode(name)
    return base | ((base & 0o444) >> 2) if path.lstat().st_mode & stat.S_IXUSR else base


def _fix(path: Path, wanted: Wanted, data_dir: Path) -> Change | None:
    """The change that gives `path` its wanted group, mode (and root as owner), or None."""
    st = path.lstat()
    gid = grp.getgrnam(wanted.group).gr_gid if _group_exists(wanted.group) else None
    owner_ok = st.st_uid == 0 or (not wanted.root_owned and _member(st.st_uid, wanted.group))
    if gid == st.st_gid and owner_ok and stat.S_IMODE(st.st_mode) == wanted.mode:
        return None
    rel = os.path.relpath(path, data_dir)
    what = f"{'mappen' if stat.S_ISDIR(st.st_mode) else 'filen'} {rel if rel != '.' else str(data_dir)}"
    text = f"Sett {what} til gruppen {wanted.group}, rettigheter {wanted.mode:04o}" + ("" if owner_ok else ", eier root")

    def run() -> None:
        os.chown(path, 0 if not owner_ok else -1, grp.getgrnam(wanted.group).gr_gid, follow_symlinks=False)
        os.chmod(path, wanted.mode)  # after chown: chown clears the setgid bit

    parts = Path(rel).parts
    area = "datamappen" if rel == "." or len(parts) == 1 else (
        "/".join(parts[:2]) if parts[0] == "municipalities" else parts[0])
    return Change(text, run, area)


def _member(uid: int, group: str) -> bool:
    """Is the user `uid` in `group` (as a listed member or by primary group)?"""
    try:
        user = pwd.getpwuid(uid)
        info = grp.getgrnam(group)
    except KeyError:
        return False
    return user.pw_name in info.gr_mem or user.pw_gid == info.gr_gid


def _git_changes(data_dir: Path) -> list[Change]:
    """core.sharedRepository=group: the files git creates stay writable for the project group."""
    if not (data_dir / ".git").is_dir():
        return []
    if git.output(data_dir, "config", "--local", "--get", "core.sharedRepository") == "group":
        return []

    def run() -> None:
        done = git.run(data_dir, "config", "--local", "core.sharedRepository", "group")
        if done is None or done.returncode != 0:
            raise DigireformError(f"Kunne ikke sette core.sharedRepository=group i {display_path(data_dir / '.git')}.")

    return [Change("Sett git-innstillingen core.sharedRepository=group (alle i prosjektgruppen kan lagre historikk)", run)]
