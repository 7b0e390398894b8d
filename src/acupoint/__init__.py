"""Acupoint (点穴): an open platform for precision industrial policy."""

__version__ = "0.1.0"
