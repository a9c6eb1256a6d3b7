"""factdiff: cross-check several reports of one event."""

__version__ = "0.1.0"
