"""Healthcare demo data, deterministic from a seed."""

from healthbridge.sandbox.odoo.orm.demo.loader import load_demo

__all__ = ["load_demo"]
