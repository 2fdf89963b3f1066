"""Yuntongxun linked apps: two apps of one link_group befriend each other's users exactly as
inside one app (each app keeping its own limits), accounts are written appId#account (bare for
the caller's own app with isSimpUseracc=1), and an app outside the group stays out."""

import unittest

from harness import toml_config, unique
from yuntongxun_client import OK, YuntongxunCase, app_table, new_app_id, png_bytes

ONE = (new_app_id(), new_app_id())
TWO = (new_app_id(), new_app_id())
OUT = (new_app_id(), new_app_id())
CONFIG = toml_config([
    {"name": "one", "link_group": "acme", "max_friends": 4, "yuntongxun": app_table(*ONE)},
    {"name": "two", "link_group": "acme", "max_friends": 2, "yuntongxun": app_table(*TWO)},
    {"name": "out", "yuntongxun": app_table(*OUT)},
], log_level="warn")


class LinkedTests(YuntongxunCase):

    CONFIG = CONFIG
    CREDS = ONE

    def setUp(self):
        super().setUp()
        self.two = self.client(TWO)
        self.out = self.client(OUT)

    def test_request_agree_and_lists_across_apps(self):
        a = self.users(1, "la")[0]
        b = self.users(1, "lb", self.two)[0]
        self.ok("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b, self.two),
                              "message": "hi from one", "source": "linked"})
        sent = self.ok("friendMessage", {"useracc": self.acc(a), "isSimpUseracc": "1"})
        self.assertEqual(sent["inviteList"], [{
            "friendUseracc": self.acc(b, self.two), "message": "hi from one", "source": "linked",
            "isInvited": "0", "dealState": "0", "avatar": ""}])
        got = self.ok("friendMessage", {"useracc": self.acc(b, self.two), "isSimpUseracc": 1},
                      self.two)
        self.assertEqual([(i["friendUseracc"], i["isInvited"]) for i in got["inviteList"]],
                         [(self.acc(a), "1")])
        self.ok("friendAgree", {"useracc": self.acc(b, self.two), "friendUseracc": self.acc(a)},
                self.two)
        for simp in ("0", "1"):
            with self.subTest(isSimpUseracc=simp):
                mine = self.friends(a, isSimpUseracc=simp)
                self.assertEqual(list(mine), [self.acc(b, self.two)])  # cross-app: always full
                self.assertEqual(mine[self.acc(b, self.two)]["friendState"], "1")
                theirs = self.friends(b, self.two, isSimpUseracc=simp)
                self.assertEqual(list(theirs), [self.acc(a)])
        # The dealState shows the friendship on both sides.
        self.assertEqual(self.ok("friendMessage", {"useracc": self.acc(a)})["inviteList"][0]
                         ["dealState"], "1")
        # One app's client may name the linked app's users as operators too.
        j = self.ok("getFriends", {"useracc": self.acc(b, self.two), "isSimpUseracc": "1"})
        self.assertEqual([f["useracc"] for f in j["friendsList"]], [a])
        info = self.ok("getFriendInfo", {"useracc": self.acc(a),
                                         "friendUseracc": self.acc(b, self.two),
                                         "isSimpUseracc": "1"})
        self.assertEqual(info["useracc"], self.acc(b, self.two))
        self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b, self.two),
                                    "remarkName": "跨应用"})
        self.assertEqual(self.friends(a)[self.acc(b, self.two)]["remarkName"], "跨应用")
        self.ok("delFriend", {"useracc": self.acc(b, self.two), "friendUseracc": self.acc(a),
                              "allDel": "1"}, self.two)
        self.assertEqual(self.friends(a), {})
        sync = self.friends(a, isUpdate="1", isSimpUseracc="1")
        self.assertEqual({k: v["friendState"] for k, v in sync.items()},
                         {self.acc(b, self.two): "0"})

    def test_same_bare_name_in_two_apps_are_two_users(self):
        name = unique("ls")
        self.ok("setPersonInfo", {"useracc": self.acc(name), "nickName": "one's"})
        self.ok("setPersonInfo", {"useracc": self.acc(name, self.two), "nickName": "two's"},
                self.two)
        self.ok("setUserVerify", {"useracc": self.acc(name, self.two), "addVerify": "0"},
                self.two)
        self.ok("addFriend", {"useracc": self.acc(name), "friendUseracc": self.acc(name, self.two)})
        j = self.ok("getFriends", {"useracc": self.acc(name), "isSimpUseracc": "1"})
        self.assertEqual([(f["useracc"], f["nickName"]) for f in j["friendsList"]],
                         [(self.acc(name, self.two), "two's")])
        j = self.ok("getFriends", {"useracc": self.acc(name, self.two), "isSimpUseracc": "1"},
                    self.two)
        self.assertEqual([(f["useracc"], f["nickName"]) for f in j["friendsList"]],
                         [(self.acc(name), "one's")])
        # A bare account is the caller's own app.
        info = self.ok("getPersonInfo", {"useracc": name, "searchContent": self.acc(name, self.two),
                                         "isSimpUseracc": "1"})
        self.assertEqual((info["nickName"], info["state"]), ("two's", "1"))
        info = self.ok("getPersonInfo", {"useracc": name, "searchContent": name,
                                         "isSimpUseracc": "1"}, self.two)
        self.assertEqual((info["useracc"], info["nickName"]), (name, "two's"))

    def test_import_friends_across_apps(self):
        x, y, z = unique("li"), unique("li"), unique("li")
        self.ok("importFriends", {"friendsList": [
            {"useracc": self.acc(x), "friendUseracc": self.acc(y, self.two)},
            {"useracc": self.acc(z, self.two), "friendUseracc": self.acc(x)}]})
        self.assertEqual(set(self.friends(x)), {self.acc(y, self.two), self.acc(z, self.two)})
        self.assertEqual(set(self.friends(y, self.two, isSimpUseracc="1")), {self.acc(x)})
        # Through the other app's client, the same pairs read the other way round.
        j = self.ok("getFriends", {"useracc": self.acc(x), "isSimpUseracc": "1",
                                   "isAllPage": "1"}, self.two)
        self.assertEqual(sorted(f["useracc"] for f in j["friendsList"]), sorted([y, z]))
        # The unlinked app in any pair: nothing written.
        w = unique("li")
        r = self.ytx.call("importFriends", {"friendsList": [
            {"useracc": self.acc(w), "friendUseracc": self.acc(y, self.two)},
            {"useracc": self.acc(w), "friendUseracc": self.acc(unique(), self.out)}]})
        self.assertCode(r, "160103")
        self.assertIn("friendsList[1]", r["statusMsg"])
        self.code("getPersonInfo", {"useracc": self.acc(x), "searchContent": self.acc(w)},
                  "160200")

    def test_avatars_and_batch_across_apps(self):
        a = self.users(1, "lv")[0]
        b = self.users(1, "lv", self.two)[0]
        up = self.assertOk(self.two.upload_avatar(self.acc(b, self.two), "b.png", png_bytes()))
        self.ok("importFriends", {"friendsList": [{"useracc": self.acc(a),
                                                   "friendUseracc": self.acc(b, self.two)}]})
        self.assertEqual(self.friends(a)[self.acc(b, self.two)]["avatar"], up["avatar"])
        j = self.ok("batchGetUserAvatar", {"useraccList": [self.acc(a), self.acc(b, self.two)],
                                           "isSimpUseracc": "1"})
        self.assertEqual([(x["useracc"], x["avatar"]) for x in j["avatarList"]],
                         [(a, ""), (self.acc(b, self.two), up["avatar"])])
        j = self.ok("getUserAvatar", {"useracc": self.acc(b, self.two)})
        self.assertEqual((j["avatar"], j["updateTime"]), (up["avatar"], up["updateTime"]))

    def test_the_unlinked_app_is_refused(self):
        a = self.users(1, "lu")[0]
        z = self.users(1, "lu", self.out)[0]
        cases = [
            (self.ytx, "addFriend", {"useracc": self.acc(a),
                                     "friendUseracc": self.acc(z, self.out)}),
            (self.ytx, "getFriends", {"useracc": self.acc(z, self.out)}),
            (self.ytx, "getPersonInfo", {"useracc": self.acc(a),
                                         "searchContent": self.acc(z, self.out)}),
            (self.ytx, "batchGetUserAvatar", {"useraccList": [self.acc(z, self.out)]}),
            (self.out, "addFriend", {"useracc": self.acc(z, self.out),
                                     "friendUseracc": self.acc(a)}),
            (self.out, "getFriends", {"useracc": self.acc(a)}),
            (self.out, "friendMessage", {"useracc": self.acc(a, self.two)}),
            (self.two, "importFriends", {"friendsList": [{"useracc": self.acc(z, self.out),
                                                          "friendUseracc": self.acc(a)}]}),
        ]
        for client, op, body in cases:
            with self.subTest(app=client.app_id, op=op):
                self.assertCode(client.call(op, body), "160103")
        self.assertCode(self.ytx.upload_avatar(self.acc(z, self.out), "z.png", png_bytes()),
                        "160103")
        self.assertEqual(self.friends(a), {})
        self.assertEqual(self.friends(z, self.out), {})

    def test_each_app_keeps_its_own_friend_limit(self):
        # one: max_friends 4; two: max_friends 2.
        a = self.users(1, "lm")[0]
        bs = self.users(3, "lm", self.two)
        for b in bs:
            self.ok("setUserVerify", {"useracc": self.acc(b, self.two), "addVerify": "0"},
                    self.two)
        hub = self.users(1, "lm", self.two)[0]
        self.ok("importFriends", {"friendsList": [
            {"useracc": self.acc(hub, self.two), "friendUseracc": self.acc(x)}
            for x in self.users(2, "ln")]})
        # hub (two) is full at 2: a third friend from app one is refused, nothing written.
        self.code("importFriends", {"friendsList": [
            {"useracc": self.acc(a), "friendUseracc": self.acc(hub, self.two)}]}, "160204")
        self.ok("setUserVerify", {"useracc": self.acc(a), "addVerify": "0"})
        self.code("addFriend", {"useracc": self.acc(hub, self.two), "friendUseracc": self.acc(a)},
                  "160204")
        self.assertEqual(len(self.friends(hub, self.two)), 2)
        self.assertNotIn(self.acc(hub, self.two), self.friends(a))
        # a (one) takes 4 friends, all from app two, though app two's users stop at 2.
        more = self.users(1, "lm", self.two)
        self.ok("setUserVerify", {"useracc": self.acc(more[0], self.two), "addVerify": "0"},
                self.two)
        for b in bs + more:
            self.ok("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b, self.two)})
        self.assertEqual(len(self.friends(a)), 4)
        extra = self.users(1, "lm", self.two)[0]
        self.ok("setUserVerify", {"useracc": self.acc(extra, self.two), "addVerify": 0},
                self.two)
        self.code("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(extra, self.two)},
                  "160204")
        self.assertEqual(self.friends(extra, self.two), {})
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(extra, self.two)},
                                 self.two)["addVerify"], "0")
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(a)})["statusCode"], OK)


if __name__ == "__main__":
    unittest.main()
