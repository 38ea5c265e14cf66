"""User-facing errors: each names the file (and line where known), what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """An error caused by the user's input or environment; the CLI prints it and exits 1."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # pickled whole (a worker process sends it back), not as Exception's args alone
        return (type(self), (self.message, self.path, self.line, self.hint))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class UserErrors(UserError):
    """Several independent errors found in one pass, reported together."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
