from . import test_book_customer_payment
from . import test_webhook_sandbox
