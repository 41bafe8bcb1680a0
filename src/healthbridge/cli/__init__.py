"""The ``healthbridge`` command line: thin Typer + Rich commands over the services."""

from healthbridge.cli.app import app, main

__all__ = ["app", "main"]
