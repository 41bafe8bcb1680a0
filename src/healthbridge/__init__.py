"""Healthbridge: a governed interoperability hub between Odoo and healthcare systems."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("healthbridge")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
