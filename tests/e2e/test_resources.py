"""Running out of file descriptors: the server keeps serving the connections it has, does not
spin on failing accepts, and accepts again once descriptors are free."""

import os
import time
import unittest

from harness import Server
from netease_client import netease


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class FileDescriptorTests(unittest.TestCase):

    def test_out_of_descriptors(self):
        server = Server(max_open_files=64).start()
        extra = []
        try:
            ne = netease(server)  # keeps its connection open throughout
            self.assertEqual(ne.create_user("keeper").code, 200)
            # More connections than descriptors: the kernel completes them in the backlog, the
            # server cannot accept them all.
            for _ in range(120):
                extra.append(server.connect(timeout=5))
            time.sleep(0.3)
            before = cpu_seconds(server.proc.pid)
            time.sleep(1.0)
            spent = cpu_seconds(server.proc.pid) - before
            self.assertLess(spent, 0.5, "the accept loop spins when out of descriptors")
            # The connection it already has is still served.
            self.assertEqual(ne.get_friends("keeper").code, 200)
            for s in extra:
                s.close()
            extra.clear()
            deadline = time.monotonic() + 10
            while True:  # descriptors come back as the closed backlog drains
                try:
                    self.assertEqual(server.healthz(), (200, b"ok\n"))
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            self.assertEqual(server.stop(), 0)
        finally:
            for s in extra:
                s.close()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
