from . import bank_api_payment_demo
