"""The NetEase end-to-end suite: `python3 -m unittest -v netease_e2e_test` in tests/e2e with
FRIENDGRAPH_BIN set to the binary. The test classes live in the test_*.py modules; importing
them here makes unittest run all of them from this one module."""

import unittest

from test_bad_input import BadInputTests  # noqa: F401
from test_concurrency import ConcurrencyTests, ConcurrentLimitTests  # noqa: F401
from test_durability import DurabilityTests, RestartTests  # noqa: F401
from test_http_hardening import (FramingTests, PerClientCapTests,  # noqa: F401
                                 RequestDecodingTests, SheddingTests, SignalTests)
from test_netease_auth import AuthTests, RateLimitTests  # noqa: F401
from test_resources import FileDescriptorTests  # noqa: F401
from test_netease_calls import (FriendAddTests, FriendEditTests, LimitTests,  # noqa: F401
                                RelationTests, UserTests)

if __name__ == "__main__":
    unittest.main()
