from . import test_camt_import
