"""memory_budget_mb against the real binary: with the smallest budget, the friend-list cache holds
no more than its share however many lists are read, evicting to stay within it; the budget and
each share are stated at startup and at /metrics."""

import unittest

from harness import ServerCase, parse_metrics, run_threads, toml_config
from netease_client import netease

KEY, SECRET = "budgetkey", "budgetsecret"
BUDGET_MB = 16
BUDGET = BUDGET_MB << 20
# The split of app/memory_budget.h, as docs/configuration.md states it.
STORE_SHARE = BUDGET * 50 // 100
FRIEND_LISTS_SHARE = BUDGET * 30 // 100

USERS = 400
# Each user adds the next PEERS users directly, so each ends with 2 * PEERS friends, and each
# edge gets the longest alias, ex and serverex NetEase takes: about 20 KiB per list packed, 8 MiB
# in all, well over the friend lists' share.
PEERS = 16
SERVEREX = "x" * 256
ALIAS = "a" * 128
EX = "e" * 256
WORKERS = 8


def metrics(server):
    """/metrics as {"name{labels}": value}."""
    status, _, body = server.http("GET", "/metrics")
    assert status == 200, status
    return parse_metrics(body)


class MemoryBudgetTests(ServerCase):
    CONFIG = toml_config(
        [{"name": "budget", "max_friends": 100, "netease": {"app_key": KEY, "app_secret": SECRET}}],
        memory_budget_mb=BUDGET_MB)

    def test_the_budget_and_its_shares_are_stated(self):
        got = metrics(self.server)
        self.assertEqual(got["friendgraph_memory_budget_bytes"], BUDGET)
        self.assertGreater(got["friendgraph_store_memory_bytes"], 0)
        with open(self.server._log_path, encoding="utf-8") as f:
            log = f.read()
        self.assertIn("event=memory_budget budget_mb=16 store_bytes=%d friend_lists_bytes=%d "
                      "users_bytes=%d peer_rows_bytes=%d" %
                      (STORE_SHARE, FRIEND_LISTS_SHARE, BUDGET * 10 // 100,
                       BUDGET - STORE_SHARE - FRIEND_LISTS_SHARE - BUDGET * 10 // 100), log)

    def test_friend_lists_stay_within_their_share(self):
        accids = ["mb%04d" % i for i in range(USERS)]
        clients = [self.keep(netease(self.server, KEY, SECRET)) for _ in range(WORKERS)]

        def create(w):
            for accid in accids[w::WORKERS]:
                r = clients[w].create_user(accid)
                assert r.code == 200, r

        run_threads(create, WORKERS)

        def befriend(w):
            for i in range(w, USERS, WORKERS):
                for step in range(1, PEERS + 1):
                    r = clients[w].call("friend/add", dict(
                        accid=accids[i], faccid=accids[(i + step) % USERS], type=1,
                        serverex=SERVEREX))
                    assert r.code == 200, r
                    for owner, peer in ((i, (i + step) % USERS), ((i + step) % USERS, i)):
                        r = clients[w].call("friend/update", dict(
                            accid=accids[owner], faccid=accids[peer], alias=ALIAS, ex=EX,
                            serverex=SERVEREX))
                        assert r.code == 200, r

        run_threads(befriend, WORKERS, timeout=600)

        label = 'friendgraph_cache_%s{cache="friend_lists"}'
        before = metrics(self.server)
        for n, accid in enumerate(accids, 1):
            r = clients[0].get_friends(accid)
            self.assertEqual(r.code, 200, r)
            self.assertEqual(len(r["friends"]), 2 * PEERS)
            if n % 50 == 0 or n == USERS:
                got = metrics(self.server)
                self.assertLessEqual(got[label % "bytes"], FRIEND_LISTS_SHARE, "after %d" % n)
        got = metrics(self.server)
        # Every list was read from the store once and installed (none is larger than a shard);
        # fewer are held: the others were evicted to stay within the share.
        self.assertEqual(got[label % "misses_total"] - before[label % "misses_total"], USERS)
        self.assertLess(got[label % "entries"], USERS)
        self.assertGreater(got[label % "entries"], 0)
        self.assertGreater(got[label % "bytes"], FRIEND_LISTS_SHARE // 2)
        self.assertLessEqual(got[label % "bytes"], FRIEND_LISTS_SHARE)
        self.assertEqual(got[label % "items"], got[label % "entries"] * 2 * PEERS)
        # SQLite's heap: its soft limit may be passed a little, never by much.
        self.assertLessEqual(got["friendgraph_store_memory_bytes"], STORE_SHARE * 5 // 4)


if __name__ == "__main__":
    unittest.main()
