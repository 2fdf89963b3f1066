"""One app with [apps.netease] and [apps.easemob] (DESIGN §2a): one set of users and
friendships seen through both dialects, deletes and disabled accounts included, and both dialects
writing the same pairs at once leave a consistent graph."""

import json
import random
import threading
import unittest

from easemob_client import MAIN, PASSWORD, Easemob, EasemobCase
from harness import run_threads, toml_config
from netease_client import NetEase
from test_concurrency import GraphChecks

NE = ("crosskey", "crosssecret")
CONFIG = toml_config([{"name": "both", "easemob": MAIN.table(),
                       "netease": {"app_key": NE[0], "app_secret": NE[1]}}], log_level="warn")


class CrossCase(EasemobCase):

    CONFIG = CONFIG
    CREDS = MAIN

    def setUp(self):
        super().setUp()
        self.ne = self.keep(NetEase(self.server, *NE))

    def ne_ok(self, reply):
        self.assertEqual((reply.status, reply.code), (200, 200), reply)
        return reply.json

    def ne_friends(self, accid):
        """{faccid: entry} of NetEase friend/get (full list), checked for duplicates."""
        j = self.ne_ok(self.ne.get_friends(accid))
        names = [f["faccid"] for f in j["friends"]]
        self.assertEqual(len(names), len(set(names)), names)
        self.assertEqual(j["size"], len(names))
        return {f["faccid"]: f for f in j["friends"]}

    def uinfos(self, *accids):
        j = self.ne_ok(self.ne.call("user/getUinfos", {"accids": json.dumps(list(accids))}))
        return {u["accid"]: u for u in j["uinfos"]}


class SharedGraphTests(CrossCase):

    def test_easemob_users_and_friends_seen_through_netease(self):
        a, b, c = self.em.users(3, prefix="xe")
        self.assertOk(self.em.set_nickname(a, "阿明"))
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.add_contact(c, a))
        self.assertOk(self.em.set_remark(a, b, "同学"))
        infos = self.uinfos(a, b, c)
        self.assertEqual(set(infos), {a, b, c})
        self.assertEqual(infos[a].get("name"), "阿明")
        fa = self.ne_friends(a)
        self.assertEqual(set(fa), {b, c})
        self.assertTrue(fa[b]["bidirection"])
        self.assertTrue(fa[c]["bidirection"])
        self.assertEqual(fa[b].get("alias"), "同学")  # Easemob's remark is NetEase's alias
        self.assertEqual(set(self.ne_friends(b)), {a})
        one = self.ne_ok(self.ne.get_by_accid(b, a))
        self.assertTrue(one["friend"]["bidirection"])

    def test_netease_users_and_friends_seen_through_easemob(self):
        a, b, c = self.ne.users(3, prefix="xn")
        self.ne_ok(self.ne.call("user/updateUinfo", {"accid": a, "name": "Ann"}))
        self.ne_ok(self.ne.add(a, b, 1))
        self.ne_ok(self.ne.add(a, c, 2, msg="hi"))
        self.ne_ok(self.ne.add(c, a, 3))  # accepted: friends both ways
        self.ne_ok(self.ne.call("friend/update", {"accid": a, "faccid": c, "alias": "cee"}))
        self.assertOneUser(self.em.get_user(a), a, nickname="Ann")
        self.assertEqual(self.em.friend_names(a), sorted([b, c]))
        self.assertEqual(self.em.friend_names(b), [a])
        self.assertEqual(self.em.friend_names(c), [a])
        remarks = {x["username"]: x["remark"] for x in
                   self.em.walk_contacts(a, limit=1, need_remark=True)}
        self.assertEqual(remarks, {b: None, c: "cee"})
        # Easemob users can log in only with a password: NetEase accounts have none.
        self.assertNotEqual(self.em.user_token_reply(a, "").status, 200)
        self.assertNotEqual(self.em.user_token_reply(a, PASSWORD).status, 200)
        self.assertOk(self.em.set_password(a, "now-one"))
        self.assertEqual(self.em.user_token_reply(a, "now-one").status, 200)

    def test_one_sided_netease_delete_as_seen_by_easemob(self):
        a, b = self.ne.users(2, prefix="xo")
        self.ne_ok(self.ne.add(a, b, 1))
        self.ne_ok(self.ne.delete(a, b))  # NetEase deletes one side only
        self.assertEqual(self.em.friend_names(a), [])
        self.assertEqual(self.em.friend_names(b), [a])
        self.assertFalse(self.ne_friends(b)[a]["bidirection"])
        # Easemob's add mends both sides; its delete ends both.
        self.assertOk(self.em.add_contact(a, b))
        self.assertTrue(self.ne_friends(b)[a]["bidirection"])
        self.assertTrue(self.ne_friends(a)[b]["bidirection"])
        self.assertOk(self.em.remove_contact(b, a))
        self.assertEqual(self.ne_friends(a), {})
        self.assertEqual(self.ne_friends(b), {})
        self.assertEqual(self.ne.get_by_accid(a, b).code, 404)

    def test_easemob_delete_is_gone_from_netease(self):
        a, b, c = self.em.users(3, prefix="xd")
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.add_contact(a, c))
        before = self.ne_friends(a)
        self.assertOk(self.em.remove_contact(a, b))
        self.assertEqual(set(self.ne_friends(a)), {c})
        self.assertEqual(self.ne_friends(b), {})
        # An incremental NetEase sync from before the delete does not list b as a friend.
        since = max(f["updatetime"] for f in before.values())
        later = self.ne_ok(self.ne.get_friends(a, since))
        self.assertNotIn(b, [f["faccid"] for f in later["friends"]])

    def test_netease_delete_is_gone_from_easemob_pages(self):
        hub = self.ne.users(1, prefix="xp")[0]
        friends = self.ne.users(12, prefix="xp")
        for f in friends:
            self.ne_ok(self.ne.add(hub, f, 1))
        gone = friends[::3]
        for f in gone:
            self.ne_ok(self.ne.delete(hub, f))
        walked = [x["username"] for x in self.em.walk_contacts(hub, limit=5)]
        self.assertEqual(sorted(walked), sorted(set(friends) - set(gone)))
        self.assertEqual(self.assertOk(self.em.all_contacts(hub))["count"], 8)

    def test_deleted_user_disappears_and_the_name_comes_back(self):
        a, b, c = self.em.users(3, prefix="xu")
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.add_contact(c, a))
        self.ne_ok(self.ne.call("user/setSpecialRelation", {"accid": b, "targetAcc": a,
                                                           "relationType": 1, "value": 1}))
        self.assertOk(self.em.delete_user(a))
        self.assertEqual(self.uinfos(a), {})
        self.assertEqual(self.ne_friends(b), {})
        self.assertEqual(self.ne_friends(c), {})
        self.assertEqual(self.ne.get_by_accid(b, a).code, 404)
        self.assertEqual(self.ne.get_friends(a).code, 404)
        bl = self.ne_ok(self.ne.call("user/listBlackAndMuteList", {"accid": b}))
        self.assertEqual(bl["blacklist"], [])
        # Re-created through NetEase: a new user with an empty graph.
        self.ne_ok(self.ne.create_user(a))
        self.assertEqual(self.ne_friends(a), {})
        self.assertEqual(self.em.friend_names(a), [])
        self.assertEqual(self.em.friend_names(b), [])
        self.ne_ok(self.ne.add(b, a, 2))  # b's old block does not apply to the new a
        # And deleted again through Easemob, re-created through Easemob.
        self.assertOk(self.em.delete_user(a))
        self.assertOk(self.em.create_user(a))
        self.assertEqual(self.ne.add(b, a, 3).code, 404, "the old request is gone too")

    def test_netease_delete_of_deleted_user(self):
        a, b = self.ne.users(2, prefix="xx")
        self.ne_ok(self.ne.add(a, b, 1))
        self.assertOk(self.em.delete_user(b))
        self.assertEqual(self.ne.delete(a, b).code, 404)
        self.assertEqual(self.ne.add(a, b, 1).code, 404)


class DisabledTests(CrossCase):

    def test_easemob_deactivate_stops_netease_requests(self):
        a, b, c = self.ne.users(3, prefix="xa")
        self.ne_ok(self.ne.add(a, b, 1))
        self.ne_ok(self.ne.add(c, a, 2))
        self.assertOk(self.em.deactivate(a))
        self.assertEqual(self.ne.add(c, a, 1).code, 403)
        self.assertEqual(self.ne.add(c, a, 2).code, 403)
        self.assertEqual(self.ne.add(a, c, 2).code, 403)
        self.assertEqual(self.ne.add(a, c, 3).code, 403)  # nor answer one
        self.assertEqual(set(self.ne_friends(a)), {b})  # friendships stay
        self.assertOk(self.em.activate(a))
        self.ne_ok(self.ne.add(a, c, 3))
        self.assertEqual(set(self.ne_friends(a)), {b, c})

    def test_netease_block_deactivates_in_easemob(self):
        a, b = self.em.users(2, prefix="xb")
        r = self.ne.call("user/block", {"accid": a, "needkick": "true"})
        if r.code == 404:
            # The same call for a user that exists answers 404: the call itself is unknown.
            self.skipTest("this binary has no NetEase user/block.action (code 404): %r" % (r,))
        self.ne_ok(r)
        self.assertOneUser(self.em.get_user(a), a, activated=False)
        for owner, friend in ((a, b), (b, a)):
            r = self.em.add_contact(owner, friend)
            self.assertIn(r.status, (400, 403), r)
        self.assertEqual(self.em.friend_names(b), [])
        self.ne_ok(self.ne.call("user/unblock", {"accid": a}))
        self.assertOneUser(self.em.get_user(a), a, activated=True)
        self.assertOk(self.em.add_contact(a, b))
        # And the other way: Easemob's deactivate is NetEase's block (user/block twice is fine).
        self.assertOk(self.em.deactivate(b))
        self.ne_ok(self.ne.call("user/block", {"accid": b}))
        self.ne_ok(self.ne.call("user/unblock", {"accid": b}))
        self.assertOneUser(self.em.get_user(b), b, activated=True)


class RaceTests(CrossCase, GraphChecks):
    """Many threads, both dialects writing the same pairs at once: Easemob add/remove (both sides)
    against NetEase add type 1 / delete (one side). Afterwards the graph must read the same
    through both dialects: no duplicates, bidirection = the other side's list, Easemob's lists =
    NetEase's, counts right."""

    THREADS = 12
    ROUNDS = 60

    def test_two_dialects_on_the_same_pairs(self):
        users = self.ne.users(10, prefix="xr")
        pairs = [(users[i], users[j]) for i in range(len(users)) for j in range(i + 1, len(users))
                 if (i + j) % 3 == 0]
        token = self.em.token()
        barrier = threading.Barrier(self.THREADS)
        allowed = {"em": {200, 404}, "ne": {200, 404}}

        def worker(seed):
            rng = random.Random(seed)
            em = Easemob(self.server, MAIN, token=token)
            ne = NetEase(self.server, *NE)
            em.raw("GET", "/healthz")
            ne.raw("/healthz", method="GET")
            try:
                barrier.wait(timeout=30)
                for _ in range(self.ROUNDS):
                    a, b = rng.choice(pairs)
                    if rng.random() < 0.5:
                        a, b = b, a
                    op = rng.randrange(4)
                    if op == 0:
                        st = em.add_contact(a, b).status
                    elif op == 1:
                        st = em.remove_contact(a, b).status
                    elif op == 2:
                        st = ne.add(a, b, 1).code
                    else:
                        st = ne.delete(a, b).code
                    if st not in allowed["em" if op < 2 else "ne"]:
                        raise AssertionError("op %d on %s,%s answered %s" % (op, a, b, st))
            finally:
                em.close()
                ne.close()

        run_threads(worker, self.THREADS)
        self.check_both(users)
        # One more burst on a single pair from all threads, crossing directions.
        a, b = pairs[0]
        self.burst(a, b, token)
        self.check_both(users)

    def test_deleting_a_user_while_both_dialects_befriend_it(self):
        token = self.em.token()
        for round_ in range(3):
            victim = self.ne.users(1, prefix="xv")[0]
            others = self.ne.users(8, prefix="xw")
            barrier = threading.Barrier(len(others) + 1)
            errors = []

            def befriend(i):
                em = Easemob(self.server, MAIN, token=token)
                ne = NetEase(self.server, *NE)
                try:
                    em.raw("GET", "/healthz")
                    ne.raw("/healthz", method="GET")
                    barrier.wait(timeout=30)
                    for _ in range(3):
                        st = (em.add_contact(others[i], victim).status if i % 2
                              else ne.add(others[i], victim, 1).code)
                        if st not in (200, 404):
                            raise AssertionError("add answered %s" % st)
                except BaseException as e:  # noqa: B902
                    errors.append(e)
                finally:
                    em.close()
                    ne.close()

            def delete():
                em = Easemob(self.server, MAIN, token=token)
                try:
                    em.raw("GET", "/healthz")
                    barrier.wait(timeout=30)
                    st = em.delete_user(victim).status
                    if st != 200:
                        raise AssertionError("delete answered %s" % st)
                except BaseException as e:  # noqa: B902
                    errors.append(e)
                finally:
                    em.close()

            threads = [threading.Thread(target=befriend, args=(i,)) for i in range(len(others))]
            threads.append(threading.Thread(target=delete))
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            if errors:
                raise errors[0]
            with self.subTest(round=round_):
                self.assertEqual(self.em.get_user(victim).status, 404)
                self.assertEqual(self.uinfos(victim), {})
                for o in others:
                    self.assertEqual(self.ne_friends(o), {}, "%s lists the deleted user" % o)
                    self.assertEqual(self.em.friend_names(o), [])
                    self.assertEqual(self.em.walk_contacts(o), [])
                # The name is free: a new user with an empty graph.
                self.assertOk(self.em.create_user(victim))
                self.assertEqual(self.em.friend_names(victim), [])
                self.assertEqual(self.ne_friends(victim), {})

    def burst(self, a, b, token):
        barrier = threading.Barrier(8)
        errors = []

        def run(i):
            em = Easemob(self.server, MAIN, token=token)
            ne = NetEase(self.server, *NE)
            try:
                em.raw("GET", "/healthz")
                ne.raw("/healthz", method="GET")
                barrier.wait(timeout=30)
                for k in range(10):
                    x, y = (a, b) if (i + k) % 2 else (b, a)
                    st = [lambda: em.add_contact(x, y).status,
                          lambda: em.remove_contact(x, y).status,
                          lambda: ne.add(x, y, 1).code,
                          lambda: ne.delete(x, y).code][(i + k) % 4]()
                    if st not in (200, 404):
                        raise AssertionError("answered %s" % st)
            except BaseException as e:  # noqa: B902
                errors.append(e)
            finally:
                em.close()
                ne.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        if errors:
            raise errors[0]

    def check_both(self, users):
        friends = self.check_graph(self.ne, users)  # NetEase's view, checked
        for u in users:
            with self.subTest(user=u):
                em_all = self.assertOk(self.em.all_contacts(u))
                self.assertEqual(len(em_all["data"]), len(set(em_all["data"])), em_all)
                self.assertEqual(set(em_all["data"]), friends[u])
                self.assertEqual(em_all["count"], len(friends[u]))
                walked = [x["username"] for x in self.em.walk_contacts(u, limit=3)]
                self.assertEqual(len(walked), len(set(walked)), walked)
                self.assertEqual(set(walked), friends[u])


if __name__ == "__main__":
    unittest.main()
