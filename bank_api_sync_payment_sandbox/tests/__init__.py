from . import test_send_by_api
