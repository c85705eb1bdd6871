"""Plain-Python MT940 parsing: no Odoo import, unit-tested with plain pytest."""
