"""Races through the real server: the graph must stay consistent, checked through the API."""

import json
import random
import threading
import unittest

from harness import toml_config, unique
from netease_client import CONFIG_APPS, LIMITED, NeteaseCase, netease


def race(server, creds, fns):
    """Runs each fn(client) in its own thread with its own connection, all released at once by a
    barrier. Returns their results in order; re-raises the first exception."""
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)
    errors = []
    clients = [netease(server, *creds) for _ in fns]
    for c in clients:
        c.raw("/healthz", method="GET")  # connect before the barrier

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fns[i](clients[i])
        except BaseException as e:  # noqa: B902 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for c in clients:
        c.close()
    if errors:
        raise errors[0]
    return results


class GraphChecks:
    """Invariant checks through the API, shared by the race tests."""

    def check_graph(self, ne, users):
        """Returns {user: set(friends)} after checking, for every user in `users`:
        friend/get has no duplicates and size == len(friends); every listed friend's
        bidirection matches the other side's list and getByAccid says the same; a user not listed
        is a 404 for getByAccid; update times of one user's edges are all distinct; and an
        incremental get from any listed update time returns exactly the later entries."""
        lists = {}
        for u in users:
            r = ne.get_friends(u)
            self.assertEqual(r.code, 200, r)
            names = [f["faccid"] for f in r["friends"]]
            self.assertEqual(len(names), len(set(names)), "duplicates in %s's list: %s" %
                             (u, names))
            self.assertEqual(r["size"], len(names))
            times = [f["updatetime"] for f in r["friends"]]
            self.assertEqual(len(times), len(set(times)), "repeated update times for %s" % u)
            lists[u] = r["friends"]
        friends = {u: {f["faccid"] for f in lists[u]} for u in users}
        for u in users:
            for f in lists[u]:
                v = f["faccid"]
                self.assertIn(v, friends, "%s lists an unknown user %s" % (u, v))
                want = u in friends[v]
                self.assertEqual(f["bidirection"], want, "%s->%s bidirection" % (u, v))
                one = ne.get_by_accid(u, v)
                self.assertEqual(one.code, 200, one)
                self.assertEqual(one["friend"]["bidirection"], want)
                self.assertEqual(one["friend"]["updatetime"], f["updatetime"])
            for v in users:
                if v != u and v not in friends[u]:
                    self.assertEqual(ne.get_by_accid(u, v).code, 404, "%s->%s" % (u, v))
            if lists[u]:
                mark = sorted(f["updatetime"] for f in lists[u])[len(lists[u]) // 2]
                later = ne.get_friends(u, mark)
                self.assertEqual(sorted(f["faccid"] for f in later["friends"]),
                                 sorted(f["faccid"] for f in lists[u] if f["updatetime"] > mark))
        return friends


class ConcurrencyTests(NeteaseCase, GraphChecks):

    def creds(self):
        return (self.ne.app_key, self.ne.app_secret)

    def pairs(self, count, prefix, requested=False):
        """count new users and their pairs (u0, u1), (u2, u3)…; with requested, each pair's first
        user has sent the second a pending request."""
        users = self.ne.users(count, prefix=prefix)
        pairs = list(zip(users[0::2], users[1::2]))
        if requested:
            for a, b in pairs:
                self.assertEqual(self.ne.add(a, b, 2).code, 200)
        return users, pairs

    def test_crossing_requests_at_once_become_friends(self):
        users, pairs = self.pairs(40, "x")
        for a, b in pairs:
            codes = race(self.server, self.creds(),
                         [lambda c, a=a, b=b: c.add(a, b, 2).code,
                          lambda c, a=a, b=b: c.add(b, a, 2).code])
            self.assertEqual(codes, [200, 200])
        friends = self.check_graph(self.ne, users)
        for a, b in pairs:
            self.assertEqual(friends[a], {b})
            self.assertEqual(friends[b], {a})
            # Nothing is left pending either way.
            self.assertEqual(self.ne.add(a, b, 3).code, 404)
            self.assertEqual(self.ne.add(b, a, 3).code, 404)

    def test_crossing_requests_all_at_once(self):
        # All pairs' crossing requests in one burst, many more threads than server threads.
        users, pairs = self.pairs(24, "y")
        fns = []
        for a, b in pairs:
            fns.append(lambda c, a=a, b=b: c.add(a, b, 2).code)
            fns.append(lambda c, a=a, b=b: c.add(b, a, 2).code)
        self.assertEqual(race(self.server, self.creds(), fns), [200] * len(fns))
        friends = self.check_graph(self.ne, users)
        for a, b in pairs:
            self.assertEqual((friends[a], friends[b]), ({b}, {a}))

    def test_accept_racing_delete(self):
        users, pairs = self.pairs(30, "z", requested=True)
        fns = []
        for a, b in pairs:
            fns.append(lambda c, a=a, b=b: c.add(b, a, 3).code)   # b accepts
            fns.append(lambda c, a=a, b=b: c.delete(a, b).code)   # a deletes b
        codes = race(self.server, self.creds(), fns)
        friends = self.check_graph(self.ne, users)
        for i, (a, b) in enumerate(pairs):
            accept, delete = codes[2 * i], codes[2 * i + 1]
            self.assertEqual(accept, 200, (a, b))
            if delete == 200:  # the accept came first, then a's delete
                self.assertEqual((friends[a], friends[b]), (set(), {a}))
                self.assertFalse(self.ne.get_by_accid(b, a)["friend"]["bidirection"])
            else:  # the delete came first and found no friend
                self.assertEqual(delete, 404, (a, b))
                self.assertEqual((friends[a], friends[b]), ({b}, {a}))

    def test_accept_racing_refuse(self):
        users, pairs = self.pairs(20, "w", requested=True)
        fns = []
        for a, b in pairs:
            fns.append(lambda c, a=a, b=b: c.add(b, a, 3).code)
            fns.append(lambda c, a=a, b=b: c.add(b, a, 4).code)
        codes = race(self.server, self.creds(), fns)
        friends = self.check_graph(self.ne, users)
        for i, (a, b) in enumerate(pairs):
            accept, refuse = codes[2 * i], codes[2 * i + 1]
            self.assertEqual(sorted([accept, refuse]), [200, 404], "exactly one answer wins")
            if accept == 200:
                self.assertEqual((friends[a], friends[b]), ({b}, {a}))
            else:
                self.assertEqual((friends[a], friends[b]), (set(), set()))

    def test_same_request_many_times(self):
        a, b = self.ne.users(2, prefix="s")
        codes = race(self.server, self.creds(),
                     [lambda c: c.add(a, b, 2, msg="hi").code] * 16)
        self.assertEqual(codes, [200] * 16)
        self.assertEqual(self.check_graph(self.ne, [a, b]), {a: set(), b: set()})
        codes = race(self.server, self.creds(), [lambda c: c.add(b, a, 3).code] * 8)
        self.assertEqual(sorted(codes), [200] + [404] * 7)
        self.assertEqual(self.check_graph(self.ne, [a, b]), {a: {b}, b: {a}})

    def test_same_direct_add_many_times(self):
        a, b = self.ne.users(2, prefix="t")
        codes = race(self.server, self.creds(),
                     [lambda c: c.add(a, b, 1).code, lambda c: c.add(b, a, 1).code] * 8)
        self.assertEqual(codes, [200] * 16)
        self.assertEqual(self.check_graph(self.ne, [a, b]), {a: {b}, b: {a}})
        codes = race(self.server, self.creds(), [lambda c: c.delete(a, b).code] * 8)
        self.assertEqual(sorted(codes), [200] + [404] * 7)
        self.assertEqual(self.check_graph(self.ne, [a, b]), {a: set(), b: {a}})

    def test_same_user_created_many_times(self):
        accid = unique("c")
        results = race(self.server, self.creds(),
                       [lambda c, i=i: c.create_user(accid, token="t%d" % i) for i in range(10)])
        codes = sorted(r.code for r in results)
        self.assertEqual(codes, [200] + [414] * 9)
        winner = [r for r in results if r.code == 200][0]
        self.assertEqual(winner["info"]["accid"], accid)
        r = self.ne.call("user/getUinfos", {"accids": json.dumps([accid])})
        self.assertEqual(len(r["uinfos"]), 1)

    def test_random_churn_keeps_invariants(self):
        users = self.ne.users(20, prefix="r")
        allowed = {200, 403, 404, 417}
        seen = []
        lock = threading.Lock()

        def worker(seed):
            def run(c):
                rng = random.Random(seed)
                codes = []
                for _ in range(60):
                    a, b = rng.sample(users, 2)
                    op = rng.random()
                    if op < 0.25:
                        r = c.add(a, b, 1)
                    elif op < 0.45:
                        r = c.add(a, b, 2, msg="m")
                    elif op < 0.55:
                        r = c.add(a, b, 3)
                    elif op < 0.60:
                        r = c.add(a, b, 4)
                    elif op < 0.80:
                        r = c.delete(a, b, isDeleteAlias=rng.choice(["true", "false"]))
                    elif op < 0.90:
                        r = c.call("friend/update", {"accid": a, "faccid": b, "alias": "x"})
                    elif op < 0.95:
                        r = c.call("user/setSpecialRelation",
                                   {"accid": a, "targetAcc": b, "relationType": 1,
                                    "value": rng.choice([0, 1])})
                    else:
                        r = c.get_by_accid(a, b)
                    codes.append((r.status, r.code))
                with lock:
                    seen.extend(codes)
            return run

        race(self.server, self.creds(), [worker(i) for i in range(8)])
        self.assertEqual(len(seen), 8 * 60)
        bad = [c for c in seen if c[0] != 200 or c[1] not in allowed]
        self.assertFalse(bad, "unexpected answers: %s" % bad[:5])
        self.assertIn((200, 200), seen)
        self.check_graph(self.ne, users)


class ConcurrentLimitTests(NeteaseCase, GraphChecks):
    """The friend limit (max_friends = 3) holds under concurrent adds."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = LIMITED

    def test_friend_limit_under_races(self):
        hub = self.ne.users(1, prefix="h")[0]
        peers = self.ne.users(12, prefix="p")
        fns = [lambda c, p=p, i=i: c.add(hub if i % 2 else p, p if i % 2 else hub, 1).code
               for i, p in enumerate(peers)]
        codes = race(self.server, LIMITED, fns)
        self.assertEqual(sorted(codes), [200] * 3 + [419] * 9)
        friends = self.check_graph(self.ne, [hub] + peers)
        winners = {p for p, code in zip(peers, codes) if code == 200}
        self.assertEqual(friends[hub], winners)
        for p in peers:
            self.assertEqual(friends[p], {hub} if p in winners else set())

    def test_accepts_racing_for_the_last_slot(self):
        hub = self.ne.users(1, prefix="h")[0]
        peers = self.ne.users(8, prefix="q")
        self.assertEqual(self.ne.add(hub, peers[0], 1).code, 200)
        self.assertEqual(self.ne.add(hub, peers[1], 1).code, 200)
        for p in peers[2:]:
            self.assertEqual(self.ne.add(p, hub, 2).code, 200)
        codes = race(self.server, LIMITED, [lambda c, p=p: c.add(hub, p, 3).code
                                            for p in peers[2:]])
        self.assertEqual(sorted(codes), [200] + [419] * 5)
        friends = self.check_graph(self.ne, [hub] + peers)
        self.assertEqual(len(friends[hub]), 3)


if __name__ == "__main__":
    unittest.main()
