from . import bank_api_mt940_importer
