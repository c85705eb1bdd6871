from . import test_aggregator_standins
