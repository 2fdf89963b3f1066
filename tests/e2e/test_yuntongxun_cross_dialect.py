"""One app with [apps.yuntongxun], [apps.netease] and [apps.easemob]: friendships, requests,
refusals, profiles and avatars made through one dialect are seen through the others, and
Yuntongxun and NetEase writing the same pairs at once leave a consistent graph."""

import json
import random
import threading
import unittest

from easemob_client import Creds, Easemob
from harness import run_threads, toml_config
from netease_client import NetEase
from yuntongxun_client import (Yuntongxun, YuntongxunCase, app_table, new_app_id, png_bytes)

YTX = (new_app_id(), new_app_id())
NE = ("ytxcrosskey", "ytxcrosssecret")
EM = Creds("acme", "ytxcross", "YXA6ytxcrossid", "YXA6ytxcrosssecret", 5184000)
CONFIG = toml_config([{"name": "all", "yuntongxun": app_table(*YTX),
                       "netease": {"app_key": NE[0], "app_secret": NE[1]},
                       "easemob": EM.table()}], log_level="warn")


class CrossCase(YuntongxunCase):

    CONFIG = CONFIG
    CREDS = YTX

    def setUp(self):
        super().setUp()
        self.ne = self.keep(NetEase(self.server, *NE))
        self.em = self.keep(Easemob(self.server, EM))

    def ne_ok(self, reply):
        self.assertEqual((reply.status, reply.code), (200, 200), reply)
        return reply.json

    def ne_friends(self, accid, ne=None):
        j = self.ne_ok((ne or self.ne).get_friends(accid))
        names = [f["faccid"] for f in j["friends"]]
        self.assertEqual(len(names), len(set(names)), names)
        return {f["faccid"]: f for f in j["friends"]}

    def em_friends(self, username):
        r = self.em.all_contacts(username)
        self.assertEqual(r.status, 200, r)
        return sorted(r["data"])

    def ytx_names(self, account, client=None):
        """The bare accounts of account's friends through Yuntongxun (isAllPage, isSimpUseracc)."""
        c = client or self.ytx
        j = c.call("getFriends", {"useracc": c.useracc(account), "isAllPage": "1",
                                  "isSimpUseracc": "1"})
        if j.code != "000000":
            raise AssertionError("getFriends of %s: %r" % (account, j))
        names = [f["useracc"] for f in j["friendsList"]]
        if len(names) != len(set(names)):
            raise AssertionError("duplicates: %r" % names)
        return set(names)


class SharedGraphTests(CrossCase):

    def test_yuntongxun_friendship_seen_by_netease_and_easemob(self):
        a, b, c = self.users(3, "cy")
        self.ok("setPersonInfo", {"useracc": self.acc(a), "nickName": "阿明", "sign": "s",
                                  "sex": "1"})
        self.ok("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b)})
        self.ok("friendAgree", {"useracc": self.acc(b), "friendUseracc": self.acc(a)})
        self.ok("importFriends", {"friendsList": [{"useracc": self.acc(c),
                                                   "friendUseracc": self.acc(a)}]})
        self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                    "remarkName": "同学"})
        fa = self.ne_friends(a)
        self.assertEqual(set(fa), {b, c})
        self.assertTrue(fa[b]["bidirection"])
        self.assertEqual(fa[b].get("alias"), "同学")
        self.assertEqual(set(self.ne_friends(b)), {a})
        self.assertEqual(self.em_friends(a), sorted([b, c]))
        self.assertEqual(self.em_friends(c), [a])
        u = self.ne_ok(self.ne.call("user/getUinfos", {"accids": json.dumps([a])}))["uinfos"][0]
        self.assertEqual((u["name"], u.get("sign"), u.get("gender")), ("阿明", "s", 1))
        # A one-sided Yuntongxun delete is NetEase's one-sided delete.
        self.ok("delFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                              "allDel": "0"})
        self.assertEqual(set(self.ne_friends(a)), {c})
        self.assertFalse(self.ne_friends(b)[a]["bidirection"])
        self.assertEqual(self.em_friends(a), [c])

    def test_netease_and_easemob_friendships_seen_by_yuntongxun(self):
        a, b = self.ne.users(2, prefix="cn")
        self.ne_ok(self.ne.call("user/updateUinfo", {"accid": b, "name": "Bee",
                                                     "icon": "http://x/b.png"}))
        self.ne_ok(self.ne.add(a, b, 1))
        self.ne_ok(self.ne.call("friend/update", {"accid": a, "faccid": b, "alias": "bb"}))
        fa = self.friends(a)
        self.assertEqual(fa, {self.acc(b): {"useracc": self.acc(b), "remarkName": "bb",
                                            "nickName": "Bee", "avatar": "http://x/b.png",
                                            "friendState": "1"}})
        self.assertEqual(set(self.friends(b)), {self.acc(a)})
        info = self.ok("getFriendInfo", {"useracc": self.acc(a), "friendUseracc": self.acc(b)})
        self.assertEqual((info["nickName"], info["avatar"]), ("Bee", "http://x/b.png"))
        # An icon set elsewhere: getUserAvatar reports it, with the profile's time.
        j = self.ok("getUserAvatar", {"useracc": self.acc(b)})
        self.assertEqual(j["avatar"], "http://x/b.png")
        again = self.ok("getUserAvatar", {"useracc": self.acc(b), "updateTime": j["updateTime"]})
        self.assertNotIn("avatar", again)
        x, y = self.em.users(2, prefix="ce")
        r = self.em.add_contact(x, y)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(self.friends(x)), {self.acc(y)})
        self.assertEqual(set(self.friends(y)), {self.acc(x)})
        r = self.em.remove_contact(y, x)
        self.assertEqual(r.status, 200, r)
        sync = self.friends(x, isUpdate="1")
        self.assertEqual(sync[self.acc(y)]["friendState"], "0")

    def test_netease_request_and_refusal_in_friend_message(self):
        a, b, c = self.ne.users(3, prefix="cr")
        self.ne_ok(self.ne.add(a, b, 2, msg="加个好友"))
        got = self.ok("friendMessage", {"useracc": self.acc(b), "isSimpUseracc": "1"})
        self.assertEqual(got["inviteList"], [{"friendUseracc": a, "message": "加个好友",
                                              "source": "", "isInvited": "1", "dealState": "0",
                                              "avatar": ""}])
        sent = self.ok("friendMessage", {"useracc": self.acc(a), "isSimpUseracc": "1"})
        self.assertEqual(sent["inviteList"][0]["isInvited"], "0")
        # NetEase refuses (type 4 with msg): the requester reads the reason in Yuntongxun.
        self.ne_ok(self.ne.add(b, a, 4, msg="不认识你"))
        sent = self.ok("friendMessage", {"useracc": self.acc(a), "isSimpUseracc": "1"})
        self.assertEqual([(i["friendUseracc"], i["message"], i["dealState"])
                          for i in sent["inviteList"]], [(b, "不认识你", "0")])
        self.code("friendAgree", {"useracc": self.acc(b), "friendUseracc": self.acc(a)},
                  "160202")
        # A Yuntongxun request answered through NetEase (type 3).
        self.ok("addFriend", {"useracc": self.acc(c), "friendUseracc": self.acc(a),
                              "message": "from ytx"})
        self.ne_ok(self.ne.add(a, c, 3))
        self.assertEqual(set(self.friends(c)), {self.acc(a)})
        self.assertEqual(self.ok("friendMessage", {"useracc": self.acc(c)})["inviteList"][0]
                         ["dealState"], "1")

    def test_yuntongxun_avatar_is_the_netease_icon(self):
        a = self.ne.users(1, prefix="ca")[0]
        up = self.assertOk(self.ytx.upload_avatar(self.acc(a), "a.png", png_bytes(seed=3)))
        u = self.ne_ok(self.ne.call("user/getUinfos", {"accids": json.dumps([a])}))["uinfos"][0]
        self.assertEqual(u["icon"], up["avatar"])
        j = self.ok("getUserAvatar", {"useracc": self.acc(a)})
        self.assertEqual(j["updateTime"], up["updateTime"])
        # A NetEase icon change replaces it; the time is then the profile's.
        self.ne_ok(self.ne.call("user/updateUinfo", {"accid": a, "icon": "http://x/new.png"}))
        j = self.ok("getUserAvatar", {"useracc": self.acc(a), "updateTime": up["updateTime"]})
        self.assertEqual(j["avatar"], "http://x/new.png")
        self.assertGreaterEqual(j["updateTime"], up["updateTime"])

    def test_blocks_and_disabled_accounts_from_other_dialects(self):
        a, b = self.ne.users(2, prefix="cb")
        self.ne_ok(self.ne.call("user/setSpecialRelation", {"accid": b, "targetAcc": a,
                                                           "relationType": 1, "value": 1}))
        self.code("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b)}, "160205")
        c = self.em.users(1, prefix="cd")[0]
        r = self.em.deactivate(c)
        self.assertEqual(r.status, 200, r)
        self.code("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(c)}, "160207")
        self.code("importFriends", {"friendsList": [{"useracc": self.acc(a),
                                                     "friendUseracc": self.acc(c)}]}, "160207")


class RaceTests(CrossCase):
    """Threads on the same pairs at once: Yuntongxun addFriend / friendAgree / delFriend
    allDel 1 and NetEase friend/add type 1 (both sides) — none of them makes a one-sided
    friendship, so afterwards every pair is friends both ways or not at all, the same through
    both dialects."""

    THREADS = 6
    ROUNDS = 20

    def test_yuntongxun_and_netease_on_the_same_pairs(self):
        users = self.ne.users(6, prefix="cx")
        pairs = [(users[i], users[j]) for i in range(6) for j in range(i + 1, 6)]
        barrier = threading.Barrier(self.THREADS)

        def worker(seed):
            rng = random.Random(seed)
            y = Yuntongxun(self.server, *YTX)
            ne = NetEase(self.server, *NE)
            try:
                y.raw("GET", "/healthz")
                barrier.wait(timeout=30)
                for _ in range(self.ROUNDS):
                    a, b = rng.choice(pairs[:4] if rng.random() < 0.5 else pairs)
                    if rng.random() < 0.5:
                        a, b = b, a
                    op = rng.randrange(4)
                    if op == 0:
                        code = y.call("addFriend", {"useracc": y.useracc(a),
                                                    "friendUseracc": y.useracc(b)}).code
                        want = {"000000", "160203"}
                    elif op == 1:
                        code = y.call("friendAgree", {"useracc": y.useracc(a),
                                                      "friendUseracc": y.useracc(b)}).code
                        want = {"000000", "160202"}
                    elif op == 2:
                        code = ne.add(a, b, 1).code
                        want = {200}
                    else:
                        code = y.call("delFriend", {"useracc": y.useracc(a),
                                                    "friendUseracc": y.useracc(b),
                                                    "allDel": 1}).code
                        want = {"000000", "160201"}
                    if code not in want:
                        raise AssertionError("op %d on %s,%s answered %r" % (op, a, b, code))
            finally:
                y.close()
                ne.close()

        run_threads(worker, self.THREADS)
        ytx = {u: self.ytx_names(u) for u in users}
        for u in users:
            with self.subTest(user=u):
                ne = self.ne_friends(u)
                self.assertEqual(set(ne), ytx[u], "NetEase and Yuntongxun disagree")
                for f, entry in ne.items():
                    self.assertIn(u, ytx[f], "half friendship %s -> %s" % (u, f))
                    self.assertTrue(entry["bidirection"], (u, entry))
                self.assertEqual(self.em_friends(u), sorted(ytx[u]))
        # Any request still pending can be answered, and the result is both-sided.
        for a, b in pairs:
            for x, y in ((a, b), (b, a)):
                r = self.ytx.call("friendAgree", {"useracc": self.acc(x),
                                                  "friendUseracc": self.acc(y)})
                self.assertIn(r.code, ("000000", "160202"), r)
        for u in users:
            for f in self.ytx_names(u):
                self.assertIn(u, self.ytx_names(f))


if __name__ == "__main__":
    unittest.main()
