from . import bank_api_connection
from . import bank_api_sandbox_invoicer
from . import res_company
