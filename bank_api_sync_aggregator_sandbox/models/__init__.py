from . import bank_api_connection
from . import bank_api_aggregator_demo
