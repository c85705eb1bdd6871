from . import bank_api_connection
from . import bank_api_mt940_importer
from . import bank_api_sync_runner
