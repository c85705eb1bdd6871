from . import bank_api_enablebanking_aspsp
from . import bank_api_connection
