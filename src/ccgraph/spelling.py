""""Did you mean …": the closest of the known names to a misspelt one (difflib's ratio,
case ignored), for the errors of an unknown command, option, query, parameter or value."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name closest to `word`, if one is close enough (ratio 0.6 or more)."""
    import difflib  # (only when there is a misspelling: not on every command's start)

    names = {name.lower(): name for name in known}
    found = difflib.get_close_matches(word.lower(), list(names), n=1, cutoff=0.6)
    return names[found[0]] if found else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """` (did you mean 'X'?)` when a known name is close to `word`, else nothing."""
    found = closest(word, known)
    return f" (did you mean {found!r}?)" if found else ""
