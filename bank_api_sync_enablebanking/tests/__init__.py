from . import test_enablebanking_connection
