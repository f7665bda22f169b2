"""The domain's errors: raised by geo/, turned into a page or JSON once, in web/errors.py."""
from __future__ import annotations

__all__ = ["GeoError", "UnreadableInput", "EmptyText", "TooLarge", "GazetteerMissing"]


class GeoError(Exception):
    """Base of every error the domain raises on purpose; its message is shown to the user."""

    status_code = 400


class UnreadableInput(GeoError):
    """The upload is not text we can read (binary, unknown encoding, unsupported type)."""

    status_code = 415


class EmptyText(GeoError):
    """The input holds no text to analyse."""

    status_code = 400


class TooLarge(GeoError):
    """The input is over the configured size limit."""

    status_code = 413


class GazetteerMissing(GeoError):
    """The offline gazetteer index has not been built (run `make install`)."""

    status_code = 503
