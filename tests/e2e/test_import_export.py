"""`friendgraph import` and `friendgraph export` against the real binary: a graph imported with
the server stopped is what the server then serves (NetEase friend/get), an export taken beside a
running server imports into a fresh data directory as the same graph, import refuses while a
server holds the directory, and a bad line is named by its number and the next run resumes."""

import json
import os
import subprocess
import tempfile
import unittest

from harness import Server, binary
from netease_client import netease

USERS = ["imp_a", "imp_b", "imp_c"]


def run(*args):
    return subprocess.run([binary()] + list(args), capture_output=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def lines(*records):
    return "".join(json.dumps(r) + "\n" for r in records)


class ImportExportTests(unittest.TestCase):

    def setUp(self):
        # The demo app's credentials are made at a server's first start.
        self.server = Server()
        self.addCleanup(self.server.cleanup)
        self.server.start()
        self.assertEqual(self.server.stop(), 0, self.server.log_tail())
        self.file = os.path.join(self.server.data_dir, "graph.jsonl")

    def write(self, text):
        with open(self.file, "w", encoding="utf-8") as f:
            f.write(text)

    def import_file(self, data_dir=None, path=None):
        return run("import", "--data-dir", data_dir or self.server.data_dir, "--app", "demo",
                   path or self.file)

    def test_imported_graph_is_served_and_exports_back_the_same(self):
        self.write(lines(
            *[{"type": "user", "account": u, "name": u.upper(), "token": "tok-" + u}
              for u in USERS],
            {"type": "friend", "owner": "imp_a", "peer": "imp_b", "alias": "Bee"},
            {"type": "friend", "owner": "imp_b", "peer": "imp_a"},
            {"type": "friend", "owner": "imp_a", "peer": "imp_c", "ex": "{\"k\":\"é\"}"},
            {"type": "block", "owner": "imp_c", "peer": "imp_b"}))
        done = self.import_file()
        self.assertEqual(done.returncode, 0, done)
        self.assertIn(b"3 users, 3 edges, 1 blocks and mutes", done.stdout)
        self.assertIn(b"import 100%", done.stderr)  # not a terminal: plain progress lines

        self.server.start()
        client = netease(self.server)
        self.addCleanup(client.close)
        r = client.get_friends("imp_a")
        self.assertEqual(r.code, 200, r)
        friends = {f["faccid"]: f for f in r["friends"]}
        self.assertEqual(sorted(friends), ["imp_b", "imp_c"])
        self.assertEqual(friends["imp_b"]["alias"], "Bee")
        self.assertEqual(friends["imp_c"]["ex"], "{\"k\":\"é\"}")
        self.assertEqual(client.friend_names("imp_b"), ["imp_a"])

        # Beside the running server, into a file only its owner reads.
        out = os.path.join(self.server.data_dir, "export.jsonl")
        exported = run("export", "--data-dir", self.server.data_dir, "--app", "demo",
                       "--output", out)
        self.assertEqual(exported.returncode, 0, exported)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('"token":"tok-imp_a"', text)
        self.assertEqual(len(text.splitlines()), 7)

        # Refused while the server holds the directory.
        busy = self.import_file(path=out)
        self.assertEqual(busy.returncode, 1, busy)
        self.assertIn(b"import runs with the server stopped", busy.stderr)
        self.assertEqual(self.server.stop(), 0, self.server.log_tail())

        # Into a fresh data directory: the same graph, line for line.
        with tempfile.TemporaryDirectory(prefix="friendgraph-e2e-") as fresh:
            again = self.import_file(data_dir=fresh, path=out)
            self.assertEqual(again.returncode, 0, again)
            second = run("export", "--data-dir", fresh, "--app", "demo")
            self.assertEqual(second.returncode, 0, second)
            self.assertEqual(second.stdout.decode("utf-8"), text)

    def test_a_bad_line_is_named_and_the_next_run_resumes(self):
        records = [{"type": "user", "account": "imp_%d" % i} for i in range(30_000)]
        records.append({"type": "friend", "owner": "imp_1", "peer": "nobody"})
        self.write(lines(*records))
        failed = self.import_file()
        self.assertEqual(failed.returncode, 1, failed)
        self.assertIn(b"line 30001: user 'nobody' does not exist", failed.stderr)
        self.assertIn(b"lines 1-20000 are imported", failed.stderr)

        records[-1] = {"type": "friend", "owner": "imp_1", "peer": "imp_2"}
        self.write(lines(*records))
        resumed = self.import_file()
        self.assertEqual(resumed.returncode, 0, resumed)
        self.assertIn(b"imported 10001 lines", resumed.stdout)
        self.assertIn(b"resumed after line 20000", resumed.stdout)

        unknown = run("export", "--data-dir", self.server.data_dir, "--app", "nope")
        self.assertEqual(unknown.returncode, 2, unknown)
        self.assertIn(b"no app named nope", unknown.stderr)


if __name__ == "__main__":
    unittest.main()
