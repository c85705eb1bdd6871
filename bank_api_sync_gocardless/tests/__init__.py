from . import test_gocardless_connection
