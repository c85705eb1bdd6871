"""Plain-Python webhook helpers (signature checks): no Odoo import."""
