from . import test_bank_api_connection_access
from . import test_bank_api_connection_ui
