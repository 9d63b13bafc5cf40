"""Errors that concern one document, reported in one line and never stopping a batch."""


class DocumentError(ValueError):
    """A document newsgraph cannot analyse (empty, binary, wrong encoding, too large ...).

    ``stage`` says where it failed (read, decode, analyze), ``where`` names the document."""

    def __init__(self, message: str, stage: str = "read", where: str | None = None):
        super().__init__(message)
        self.stage = stage
        self.where = where

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{self.where}: {msg}" if self.where else msg
