from . import bank_api_connection
from . import bank_api_sync_runner
from . import bank_api_webhook_event
from . import bank_api_webhook_rejection
