from . import bank_api_connection
