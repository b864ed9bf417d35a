"""Reading integration profiles: the shipped ones and the user's own (``<config dir>/profiles/*.toml``).

Parsing and validation live in :mod:`explorer.core.readiness.profiles`; this module only
finds and reads the files and puts the file name in front of any error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from explorer.core.readiness.profiles import Profile, ProfileError, parse_profile, profile_id_from_filename
from explorer.store.paths import config_dir, read_small_text

SHIPPED_PACKAGE = "explorer"
SHIPPED_FOLDER = ("data", "profiles")
MAX_PROFILE_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class BrokenProfile:
    """A user profile file that could not be used, with the one-line reason."""

    path: Path
    error: str


def user_profiles_dir() -> Path:
    return config_dir() / "profiles"


def shipped_profiles() -> list[Profile]:
    """The profiles bundled with jira-perms (a broken one is a packaging bug: it raises)."""
    folder = resources.files(SHIPPED_PACKAGE).joinpath(*SHIPPED_FOLDER)
    found: list[Profile] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        stem = entry.name[:-5]
        try:
            found.append(parse_profile(entry.read_text(encoding="utf-8"), profile_id_from_filename(stem), "shipped"))
        except ProfileError as e:
            raise ProfileError(f"the shipped profile {entry.name} is broken ({e}); reinstall jira-perms") from None
    return found


def read_profile_file(path: str | Path) -> Profile:
    """Parse one profile file; problems become a one-line :class:`ProfileError` naming the file."""
    target = Path(path)
    shown = str(target).replace("\n", "\\n")
    text = read_small_text(target, MAX_PROFILE_BYTES, "a profile file (*.toml)", ProfileError)
    profile_id = profile_id_from_filename(target.stem)
    try:
        return parse_profile(text, profile_id, str(target))
    except ProfileError as e:
        raise ProfileError(f"{shown}: {e}") from None


def user_profiles() -> tuple[list[Profile], list[BrokenProfile]]:
    """The user's profiles, and the files that could not be used (never raises for one bad file)."""
    folder = user_profiles_dir()
    if not folder.is_dir():
        return [], []
    good: list[Profile] = []
    broken: list[BrokenProfile] = []
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".toml")
    except OSError as e:
        return [], [BrokenProfile(folder, f"{folder}: cannot list it: {e.strerror or e}")]
    for path in paths:
        try:
            good.append(read_profile_file(path))
        except ProfileError as e:
            broken.append(BrokenProfile(path, str(e)))
    return good, broken


def all_profiles() -> tuple[list[Profile], list[BrokenProfile]]:
    """Shipped and user profiles; a user profile with a shipped profile's id replaces it."""
    users, broken = user_profiles()
    by_id = {p.id: p for p in shipped_profiles()}
    for profile in users:
        if profile.id in by_id:
            profile = replace(profile, overrides_shipped=True)
        by_id[profile.id] = profile
    return sorted(by_id.values(), key=lambda p: p.id), broken
