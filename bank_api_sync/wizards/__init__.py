from . import bank_api_sync_period
from . import bank_api_manual_reconcile_wizard
from . import bank_api_pilot_report
from . import bank_api_go_live
from . import bank_api_reconcile_screen
