from . import bank_api_gocardless_institution
from . import bank_api_connection
