"""Errors that mean "bad input": the front ends print them as one line and exit 2."""


class UserError(Exception):
    """Bad input or an unusable file: ``str(error)`` is one line saying what to do."""


class LookupFailed(UserError):
    """An account, project, issue or permission that the snapshot or catalogue does not know."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()):
        super().__init__(message)
        self.candidates = candidates
