from . import bank_api_payment_demo
from . import account_payment_order
