from . import test_bank_api_connection_access
from . import test_bank_api_connection_ui
from . import test_secrets
from . import test_sync
from . import test_sync_limits
