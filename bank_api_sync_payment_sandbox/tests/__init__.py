from . import test_send_by_api
from . import test_whitelist_sandbox
from . import test_polishapi_payment
