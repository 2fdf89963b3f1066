"""Every Yuntongxun call of the seed against the real binary, sent as the vendor's examples show
them (every field a string) and with integer numbers, checking the answers field by field."""

import datetime
import re
import unittest

from harness import toml_config, unique
from yuntongxun_client import (CHINA, IMAGES, OK, YuntongxunCase, app_table, bmp_bytes,
                               gif_bytes, jpeg_bytes, new_app_id, png_bytes)

MAIN = (new_app_id(), new_app_id())
PUBLIC_URL = "https://img.example.test/fg"
MAX_AVATAR = 4096
BIG = (new_app_id(), new_app_id())
BIG_AVATAR = 16384  # the uploadAvatar route's body limit: the largest of any app
CONFIG = toml_config([
    {"name": "main", "yuntongxun": app_table(*MAIN, public_url=PUBLIC_URL + "/",
                                             max_avatar_bytes=MAX_AVATAR)},
    {"name": "big", "yuntongxun": app_table(*BIG, max_avatar_bytes=BIG_AVATAR)},
], log_level="warn")

MILLIS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")
SECONDS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
EPOCH = "1970-01-01 08:00:00.000"
AVATAR_URL = re.compile(r"^%s/avatars/([0-9a-f]{32})\.(png|jpg|gif|bmp)$" % re.escape(PUBLIC_URL))


class CallCase(YuntongxunCase):

    CONFIG = CONFIG
    CREDS = MAIN

    def assertRecent(self, text, pattern=MILLIS):
        """A time text of this format within a minute of now, China time."""
        self.assertRegex(text, pattern)
        when = datetime.datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
        self.assertLess(abs((when - datetime.datetime.now(CHINA)).total_seconds()), 60, text)

    def add(self, a, b, message="", source=""):
        return self.ytx.call("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                           "message": message, "source": source})

    def agree(self, me, requester):
        return self.ytx.call("friendAgree", {"useracc": self.acc(me),
                                             "friendUseracc": self.acc(requester)})

    def refuse(self, me, requester, message=None):
        body = {"useracc": self.acc(me), "friendUseracc": self.acc(requester)}
        if message is not None:
            body["message"] = message
        return self.ytx.call("friendRefuse", body)

    def make_friends(self, a, b):
        self.assertOk(self.add(a, b))
        self.assertOk(self.agree(b, a))

    def invites(self, account, **body):
        j = self.ok("friendMessage", dict(useracc=self.acc(account), **body))
        if j["inviteList"]:
            self.assertRecent(j["timestamp"])
        return j


class GetFriendsTests(CallCase):

    def test_seed_example_and_fields(self):
        a, b, c = self.users(3, "gf")
        self.ok("setPersonInfo", {"useracc": self.acc(b), "nickName": "测试账号"})
        self.make_friends(a, b)
        self.make_friends(a, c)
        self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                    "remarkName": "备注"})
        j = self.ok("getFriends", {"useracc": self.acc(a), "size": "50", "isUpdate": "1",
                                   "isAllPage": "0", "isSimpUseracc": "0"})
        self.assertEqual(set(j), {"statusCode", "statusMsg", "timestamp", "friendsList"})
        self.assertRecent(j["timestamp"])
        # Ordered by a's clock: the remark changed b's entry last, after c was added.
        self.assertEqual(j["friendsList"], [
            {"useracc": self.acc(c), "remarkName": "", "nickName": "", "avatar": "",
             "friendState": "1"},
            {"useracc": self.acc(b), "remarkName": "备注", "nickName": "测试账号", "avatar": "",
             "friendState": "1"}])
        self.assertEqual([f["useracc"] for f in self.ok("getFriends", {
            "useracc": self.acc(a), "timestamp": "", "isAllPage": 1})["friendsList"]],
            [self.acc(c), self.acc(b)])
        simp = self.ok("getFriends", {"useracc": self.acc(a), "isSimpUseracc": 1})
        self.assertEqual(sorted(f["useracc"] for f in simp["friendsList"]), sorted([b, c]))

    def test_empty_list_and_cursor_echo(self):
        a = self.users(1, "ge")[0]
        j = self.ok("getFriends", {"useracc": self.acc(a)})
        self.assertEqual((j["timestamp"], j["friendsList"]), (EPOCH, []))
        j = self.ok("getFriends", {"useracc": self.acc(a), "timestamp": EPOCH})
        self.assertEqual((j["timestamp"], j["friendsList"]), (EPOCH, []))
        later = "2030-01-02 03:04:05.678"
        j = self.ok("getFriends", {"useracc": self.acc(a), "timestamp": later})
        self.assertEqual((j["timestamp"], j["friendsList"]), (later, []))

    def test_size_limits(self):
        a = self.users(1, "gs")[0]
        for ok in ["1", "100", 1, 100, "20"]:
            with self.subTest(size=ok):
                self.ok("getFriends", {"useracc": self.acc(a), "size": ok})
        for bad in ["0", "101", -1, 101, "x", "", "1.5", 7.5, True, [7], {"n": 7}]:
            with self.subTest(size=bad):
                self.code("getFriends", {"useracc": self.acc(a), "size": bad}, "160102")
        for flag in ["isUpdate", "isAllPage", "isSimpUseracc"]:
            # JSON null is the same as leaving the flag out (0).
            self.ok("getFriends", {"useracc": self.acc(a), flag: None})
            for bad in ["2", -1, "yes", True, 1.0, ""]:
                with self.subTest(flag=flag, value=bad):
                    self.code("getFriends", {"useracc": self.acc(a), flag: bad}, "160102")
        self.code("getFriends", {"useracc": self.acc(a), "timestamp": "2017-07-08"}, "160102")
        self.code("getFriends", {"useracc": self.acc(a), "timestamp": "2017-02-30 00:00:00.000"},
                  "160102")
        self.code("getFriends", {}, "160101")

    def test_walk_100_plus_friends_in_pages_of_7(self):
        hub = unique("hub")
        peers = [unique("hp") for _ in range(113)]
        self.assertOk(self.import_pairs([(hub, p) for p in peers]))
        # Default page 20, whole list with isAllPage.
        self.assertEqual(len(self.ok("getFriends", {"useracc": self.acc(hub)})["friendsList"]), 20)
        self.assertEqual(len(self.friends(hub)), 113)
        seen, cursor, pages = [], None, 0
        while True:
            body = {"useracc": self.acc(hub), "size": 7, "isSimpUseracc": 1}
            if cursor is not None:
                body["timestamp"] = cursor
            j = self.ok("getFriends", body)
            pages += 1
            self.assertLessEqual(len(j["friendsList"]), 7)
            if not j["friendsList"]:
                self.assertEqual(j["timestamp"], cursor)
                break
            self.assertTrue(cursor is None or j["timestamp"] > cursor, (cursor, j["timestamp"]))
            seen += [f["useracc"] for f in j["friendsList"]]
            cursor = j["timestamp"]
            self.assertLess(pages, 40)
        self.assertEqual(pages, 113 // 7 + 1 + 1)
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(sorted(seen), sorted(peers))
        # Changes since the end of the walk: deletions show only with isUpdate=1, as "0".
        gone = peers[::10]
        for p in gone:
            self.ok("delFriend", {"useracc": self.acc(hub), "friendUseracc": self.acc(p),
                                  "allDel": "0"})
        self.ok("setFriendRemark", {"useracc": self.acc(hub), "friendUseracc": self.acc(peers[1]),
                                    "remarkName": "r"})
        plain = self.ok("getFriends", {"useracc": self.acc(hub), "timestamp": cursor,
                                       "isAllPage": "1", "isSimpUseracc": "1"})
        self.assertEqual([f["useracc"] for f in plain["friendsList"]], [peers[1]])
        sync = self.ok("getFriends", {"useracc": self.acc(hub), "timestamp": cursor,
                                      "isUpdate": "1", "isAllPage": "1", "isSimpUseracc": "1"})
        self.assertEqual({f["useracc"]: f["friendState"] for f in sync["friendsList"]},
                         dict({p: "0" for p in gone}, **{peers[1]: "1"}))
        # The whole list with isUpdate=1 has every former friend too; without, only friends.
        full = self.friends(hub, isUpdate="1")
        self.assertEqual(len(full), 113)
        self.assertEqual(sum(f["friendState"] == "0" for f in full.values()), len(gone))
        self.assertEqual(len(self.friends(hub)), 113 - len(gone))
        # The other side kept its edge (allDel 0).
        self.assertEqual(set(self.friends(gone[0])), {self.acc(hub)})

    def test_walk_with_isupdate_in_small_pages(self):
        hub = unique("hu")
        peers = [unique("hq") for _ in range(15)]
        self.assertOk(self.import_pairs([(hub, p) for p in peers]))
        for p in peers[:5]:
            self.ok("delFriend", {"useracc": self.acc(hub), "friendUseracc": self.acc(p),
                                  "allDel": 1})
        states, cursor = {}, ""
        for _ in range(20):
            j = self.ok("getFriends", {"useracc": self.acc(hub), "timestamp": cursor, "size": "4",
                                       "isUpdate": 1, "isSimpUseracc": "1"})
            if not j["friendsList"]:
                break
            for f in j["friendsList"]:
                self.assertNotIn(f["useracc"], states)
                states[f["useracc"]] = f["friendState"]
            cursor = j["timestamp"]
        self.assertEqual(states, dict({p: "0" for p in peers[:5]}, **{p: "1" for p in peers[5:]}))


class RequestTests(CallCase):

    def test_add_with_verify_then_agree(self):
        a, b = self.users(2, "ra")
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(b)}),
                         {"statusCode": OK, "statusMsg": "success", "addVerify": "1"})
        self.assertOk(self.add(a, b, "你好", "search"))
        self.assertEqual(self.friends(a), {})
        self.assertEqual(self.friends(b), {})
        sent = self.invites(a)["inviteList"]
        self.assertEqual(sent, [{"friendUseracc": self.acc(b), "message": "你好",
                                 "source": "search", "isInvited": "0", "dealState": "0",
                                 "avatar": ""}])
        got = self.invites(b, isSimpUseracc="1")["inviteList"]
        self.assertEqual(got, [{"friendUseracc": a, "message": "你好", "source": "search",
                                "isInvited": "1", "dealState": "0", "avatar": ""}])
        self.assertOk(self.agree(b, a))
        self.assertEqual(set(self.friends(a)), {self.acc(b)})
        self.assertEqual(set(self.friends(b)), {self.acc(a)})
        self.assertEqual(self.invites(a)["inviteList"][0]["dealState"], "1")
        self.assertEqual(self.invites(b)["inviteList"][0]["dealState"], "1")
        self.assertCode(self.add(a, b), "160203")
        self.assertCode(self.add(b, a), "160203")
        self.assertCode(self.agree(b, a), "160202")  # answered already

    def test_add_without_verify_is_friends_at_once(self):
        a, b = self.users(2, "rv")
        self.ok("setUserVerify", {"useracc": self.acc(b), "addVerify": "0"})
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(b)})["addVerify"], "0")
        self.assertOk(self.add(a, b))
        self.assertEqual(self.friends(a)[self.acc(b)]["friendState"], "1")
        self.assertEqual(set(self.friends(b)), {self.acc(a)})
        self.ok("setUserVerify", {"useracc": self.acc(b), "addVerify": 1})
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(b)})["addVerify"], "1")
        for bad in ["2", "-1", "", "yes", True, 0.0]:
            with self.subTest(addVerify=bad):
                self.code("setUserVerify", {"useracc": self.acc(b), "addVerify": bad}, "160102")
        self.code("setUserVerify", {"useracc": self.acc(b)}, "160101")

    def test_crossing_requests_make_friends(self):
        a, b = self.users(2, "rc")
        self.assertOk(self.add(a, b, "first"))
        self.assertOk(self.add(b, a, "second"))
        self.assertEqual(set(self.friends(a)), {self.acc(b)})
        self.assertEqual(set(self.friends(b)), {self.acc(a)})
        self.assertCode(self.agree(b, a), "160202")

    def test_refuse_shows_the_reason_to_the_requester(self):
        a, b, c = self.users(3, "rr")
        self.assertOk(self.add(a, b, "please", "qr"))
        self.assertOk(self.add(a, c, "please too"))
        self.assertOk(self.refuse(b, a, "不认识"))
        self.assertOk(self.refuse(c, a))
        mine = {i["friendUseracc"]: i for i in self.invites(a)["inviteList"]}
        self.assertEqual(mine[self.acc(b)], {
            "friendUseracc": self.acc(b), "message": "不认识", "source": "qr", "isInvited": "0",
            "dealState": "0", "avatar": ""})
        self.assertEqual(mine[self.acc(c)]["message"], "please too")  # no reason given
        # The one who refused still reads the request's own message.
        self.assertEqual(self.invites(b)["inviteList"][0]["message"], "please")
        self.assertEqual(self.friends(a), {})
        self.assertCode(self.refuse(b, a, "again"), "160202")
        self.assertCode(self.agree(b, a), "160202")
        # Asking again makes a new pending request.
        self.assertOk(self.add(a, b, "really?"))
        self.assertOk(self.agree(b, a))
        self.assertEqual(set(self.friends(b)), {self.acc(a)})
        self.assertCode(self.refuse(b, a, "x" * 257), "160102")

    def test_answers_need_a_pending_request_to_me(self):
        a, b, c = self.users(3, "rp")
        self.assertCode(self.agree(b, a), "160202")
        self.assertCode(self.refuse(b, a), "160202")
        self.assertOk(self.add(a, b))
        self.assertCode(self.agree(a, b), "160202")  # the requester cannot answer
        self.assertCode(self.agree(c, a), "160202")  # nor a third user
        self.assertCode(self.agree(b, unique("nobody")), "160200")
        self.assertOk(self.agree(b, a))

    def test_add_errors(self):
        a = self.users(1, "re")[0]
        self.assertCode(self.add(a, a), "160102")
        self.assertCode(self.add(a, unique("ghost")), "160200")
        b = self.users(1, "re")[0]
        self.assertCode(self.add(a, b, "m" * 257), "160102")
        self.assertCode(self.add(a, b, source="s" * 65), "160102")
        self.assertOk(self.add(a, b, "m" * 256, "s" * 64))
        self.code("addFriend", {"useracc": self.acc(a)}, "160101")
        self.code("addFriend", {"friendUseracc": self.acc(b)}, "160101")
        # message and source may be left out.
        c = self.users(1, "re")[0]
        self.ok("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(c)})
        self.assertEqual(self.invites(c)["inviteList"][0]["message"], "")

    def test_friend_message_order_and_paging(self):
        a = self.users(1, "ro")[0]
        peers = self.users(5, "rq")
        for p in peers:
            self.assertOk(self.add(a, p, "to " + p))
        names = lambda j: [i["friendUseracc"] for i in j["inviteList"]]  # noqa: E731
        asc = self.invites(a, isSimpUseracc=1)
        self.assertEqual(names(asc), peers)
        self.assertEqual(names(self.invites(a, order="0", isSimpUseracc="1")), peers)
        self.assertEqual(names(self.invites(a, order="1", isSimpUseracc="1")), peers)
        self.assertEqual(names(self.invites(a, order=2, isSimpUseracc="1")), peers[::-1])
        # Oldest first in pages of 2.
        got, cursor = [], ""
        for _ in range(5):
            j = self.invites(a, size="2", timestamp=cursor, isSimpUseracc="1")
            if not j["inviteList"]:
                self.assertEqual(j["timestamp"], cursor)
                break
            got += names(j)
            cursor = j["timestamp"]
        self.assertEqual(got, peers)
        # Newest first in pages of 2: each page before the last one's time.
        got, cursor = [], None
        for _ in range(5):
            body = {"size": 2, "order": "2", "isSimpUseracc": "1"}
            if cursor:
                body["timestamp"] = cursor
            j = self.invites(a, **body)
            if not j["inviteList"]:
                break
            got += names(j)
            cursor = j["timestamp"]
        self.assertEqual(got, peers[::-1])
        for bad in ["3", "-1", "x", 1.5]:
            with self.subTest(order=bad):
                self.code("friendMessage", {"useracc": self.acc(a), "order": bad}, "160102")
        self.code("friendMessage", {"useracc": self.acc(a), "size": "101"}, "160102")
        empty = self.ok("friendMessage", {"useracc": self.acc(self.users(1, "rz")[0])})
        self.assertEqual((empty["timestamp"], empty["inviteList"]), (EPOCH, []))


class FriendTests(CallCase):

    def test_del_friend_one_side_and_both(self):
        a, b, c = self.users(3, "df")
        self.make_friends(a, b)
        self.make_friends(a, c)
        self.ok("delFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                              "allDel": "0"})
        self.assertEqual(set(self.friends(a)), {self.acc(c)})
        self.assertEqual(self.friends(b)[self.acc(a)]["friendState"], "1")
        self.code("getFriendInfo", {"useracc": self.acc(a), "friendUseracc": self.acc(b)},
                  "160201")
        self.ok("getFriendInfo", {"useracc": self.acc(b), "friendUseracc": self.acc(a)})
        self.ok("delFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(c), "allDel": 1})
        self.assertEqual(self.friends(a), {})
        self.assertEqual(self.friends(c), {})
        self.code("delFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(c)}, "160201")
        self.code("delFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(c),
                                "allDel": "2"}, "160102")
        self.code("delFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(unique("g"))},
                  "160200")
        # b still lists a: b can delete its side too, and a may ask again.
        self.ok("delFriend", {"useracc": self.acc(b), "friendUseracc": self.acc(a)})
        self.assertOk(self.add(a, b))
        self.assertOk(self.agree(b, a))

    def test_set_friend_remark(self):
        a, b, c = self.users(3, "sr")
        self.make_friends(a, b)
        j = self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                        "remarkName": "备注"})
        self.assertEqual(set(j), {"statusCode", "statusMsg", "timestamp"})
        self.assertRecent(j["timestamp"], SECONDS)
        self.assertEqual(self.friends(a)[self.acc(b)]["remarkName"], "备注")
        self.assertEqual(self.friends(b)[self.acc(a)]["remarkName"], "")
        info = self.ok("getFriendInfo", {"useracc": self.acc(a), "friendUseracc": self.acc(b)})
        self.assertEqual(info["remarkName"], "备注")
        self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                    "remarkName": "r" * 128})
        self.code("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                      "remarkName": "r" * 129}, "160102")
        self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                    "remarkName": ""})
        self.assertEqual(self.friends(a)[self.acc(b)]["remarkName"], "")
        self.code("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b)},
                  "160101")
        self.code("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(c),
                                      "remarkName": "x"}, "160201")

    def test_person_and_friend_info(self):
        a, b = self.users(2, "pi")
        self.ok("setPersonInfo", {"useracc": self.acc(b), "nickName": "昵称", "sign": "12345",
                                  "region": "北京市朝阳区", "birthDay": "1990-01-02", "sex": "2",
                                  "phoneNumber": "15011031254"})
        full = {"statusCode": OK, "statusMsg": "success", "useracc": self.acc(b),
                "phoneNumber": "15011031254", "nickName": "昵称", "region": "北京市朝阳区",
                "sign": "12345", "avatar": "", "birthDay": "1990-01-02", "sex": "2",
                "remarkName": ""}
        j = self.ok("getPersonInfo", {"useracc": self.acc(a), "searchContent": self.acc(b),
                                      "isSimpUseracc": "0"})
        self.assertEqual(j, dict(full, state="0"))
        self.code("getFriendInfo", {"useracc": self.acc(a), "friendUseracc": self.acc(b)},
                  "160201")
        self.make_friends(a, b)
        self.ok("setFriendRemark", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                    "remarkName": "备注名称"})
        j = self.ok("getPersonInfo", {"useracc": self.acc(a), "searchContent": self.acc(b),
                                      "isSimpUseracc": 1})
        self.assertEqual(j, dict(full, useracc=b, state="1", remarkName="备注名称"))
        j = self.ok("getFriendInfo", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                                      "isSimpUseracc": "0"})
        self.assertEqual(j, dict(full, remarkName="备注名称"))
        # Empty profile: every field "", sex "" when unset.
        j = self.ok("getPersonInfo", {"useracc": self.acc(b), "searchContent": self.acc(a)})
        self.assertEqual(j, {"statusCode": OK, "statusMsg": "success", "useracc": self.acc(a),
                             "phoneNumber": "", "nickName": "", "region": "", "sign": "",
                             "avatar": "", "state": "1", "birthDay": "", "sex": "",
                             "remarkName": ""})
        self.ok("setPersonInfo", {"useracc": self.acc(a), "sex": 1})
        self.assertEqual(self.ok("getPersonInfo", {"useracc": self.acc(b),
                                                   "searchContent": self.acc(a)})["sex"], "1")
        self.code("getPersonInfo", {"useracc": self.acc(a), "searchContent": self.acc(unique())},
                  "160200")
        self.code("getPersonInfo", {"useracc": self.acc(a)}, "160101")
        for field, bad in [("sex", "3"), ("sex", "m"), ("nickName", "n" * 65),
                           ("sign", "s" * 257), ("region", "r" * 129), ("birthDay", "b" * 33),
                           ("phoneNumber", "1" * 33), ("nickName", 1.5)]:
            with self.subTest(field=field, value=bad):
                self.code("setPersonInfo", {"useracc": self.acc(a), field: bad}, "160102")

    def test_operator_is_created_on_first_call(self):
        a, b = unique("op"), unique("op")
        self.code("getPersonInfo", {"useracc": self.acc(b), "searchContent": self.acc(a)},
                  "160200")
        # A write that fails creates nobody: it is one job, all or nothing.
        self.assertCode(self.add(a, unique("ghost")), "160200")
        self.code("getPersonInfo", {"useracc": self.acc(b), "searchContent": self.acc(a)},
                  "160200")
        # a's own first call that succeeds creates a, asking for verification by default; b's
        # search then finds it.
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(a)})["addVerify"], "1")
        j = self.ok("getPersonInfo", {"useracc": self.acc(b), "searchContent": self.acc(a)})
        self.assertEqual((j["useracc"], j["state"]), (self.acc(a), "0"))
        # A write by a new account creates it in the same job.
        c = unique("op")
        self.assertCode(self.add(c, a), OK)
        self.assertEqual(self.ok("friendMessage", {"useracc": self.acc(a)})["inviteList"][0]
                         ["friendUseracc"], self.acc(c))
        # Accounts are matched in any case, stored lower-case; a bare account is this app's.
        mixed = unique("Op") + "MiX"
        self.ok("getUserVerify", {"useracc": self.acc(mixed)})
        j = self.ok("getPersonInfo", {"useracc": mixed.upper(), "searchContent": mixed})
        self.assertEqual(j["useracc"], self.acc(mixed.lower()))


class ImportTests(CallCase):

    def test_seed_example(self):
        a, b, c, d = (unique("im") for _ in range(4))
        j = self.ok("importFriends", {"friendsList": [
            {"useracc": self.acc(a), "friendUseracc": self.acc(b)},
            {"useracc": self.acc(c), "friendUseracc": self.acc(d)}]})
        self.assertEqual(j, {"statusCode": OK, "statusMsg": "success"})
        self.assertEqual(set(self.friends(a)), {self.acc(b)})
        self.assertEqual(set(self.friends(d)), {self.acc(c)})
        # Importing existing friends again is fine; a pending request is settled by it.
        e = self.users(1, "im")[0]
        self.assertOk(self.add(e, a))
        self.ok("importFriends", {"friendsList": [{"useracc": self.acc(a), "friendUseracc": e},
                                                  {"useracc": a, "friendUseracc": self.acc(b)}]})
        self.assertEqual(set(self.friends(a)), {self.acc(b), self.acc(e)})

    def test_1000_pairs_ok_1001_refused(self):
        hub = unique("ik")
        peers = ["%s_%d" % (hub, i) for i in range(1001)]
        self.assertOk(self.import_pairs([(hub, p) for p in peers[:1000]]))
        self.assertEqual(len(self.friends(hub)), 1000)
        self.assertEqual(set(self.friends(peers[999])), {self.acc(hub)})
        other = unique("il")
        r = self.import_pairs([(other, p) for p in peers[:1000]] + [(other, unique())])
        self.assertCode(r, "160102")
        self.code("getPersonInfo", {"useracc": self.acc(hub), "searchContent": self.acc(other)},
                  "160200")
        self.code("importFriends", {"friendsList": []}, "160102")
        self.code("importFriends", {}, "160101")
        self.code("importFriends", {"friendsList": None}, "160101")
        self.code("importFriends", {"friendsList": {"useracc": "a"}}, "160102")

    def test_all_or_none(self):
        names = [unique("io") for _ in range(6)]
        pairs = [(names[0], names[1]), (names[2], names[3]), (names[4], names[4])]
        r = self.import_pairs(pairs)
        self.assertCode(r, "160102")
        self.assertIn("2", r["statusMsg"])  # names the bad pair
        checker = self.users(1, "ic")[0]
        for n in names[:5]:
            with self.subTest(account=n):
                self.code("getPersonInfo", {"useracc": self.acc(checker),
                                            "searchContent": self.acc(n)}, "160200")
        # A parse error is found before anything is written too.
        for bad, code, where in [
                ({"useracc": self.acc(names[5])}, "160101", "friendsList[1].friendUseracc"),
                ({"useracc": "a b", "friendUseracc": "c"}, "160102", "friendsList[1].useracc"),
                ({"useracc": 1.5, "friendUseracc": "c"}, "160102", "friendsList[1].useracc"),
                ("pair", "160102", "friendsList[1]")]:
            with self.subTest(item=bad):
                r = self.ytx.call("importFriends", {"friendsList": [
                    {"useracc": self.acc(names[0]), "friendUseracc": self.acc(names[1])}, bad]})
                self.assertCode(r, code)
                self.assertIn(where, r["statusMsg"])
        self.assertEqual(self.friends(checker), {})
        self.code("getPersonInfo", {"useracc": self.acc(checker),
                                    "searchContent": self.acc(names[0])}, "160200")
        # Integer accounts (numbers where the seed says String) are read as their digits.
        digits = 15011097000 + int(datetime.datetime.now().timestamp() * 1000) % 1000000
        self.ok("importFriends", {"friendsList": [{"useracc": digits,
                                                   "friendUseracc": digits + 1}]})
        self.assertEqual(set(self.friends(str(digits))), {self.acc(str(digits + 1))})


class AvatarTests(CallCase):

    def fetch(self, url, method="GET", headers=None):
        m = AVATAR_URL.match(url)
        self.assertIsNotNone(m, url)
        path = url[len(PUBLIC_URL):]
        return self.server.http(method, path, headers=headers)

    def test_upload_each_format_and_serve_it(self):
        a = unique("av")  # created by the upload
        for ext, (data, ctype) in IMAGES.items():
            with self.subTest(format=ext):
                r = self.ytx.upload_avatar(self.acc(a), "photo." + ext.upper(), data)
                j = self.assertOk(r)
                self.assertEqual(set(j), {"statusCode", "statusMsg", "avatar", "updateTime"})
                self.assertRecent(j["updateTime"])
                m = AVATAR_URL.match(j["avatar"])
                self.assertIsNotNone(m, j)
                self.assertEqual(m.group(2), ext)
                status, headers, body = self.fetch(j["avatar"])
                self.assertEqual((status, body), (200, data))
                self.assertEqual(headers["content-type"], ctype)
                self.assertEqual(headers["etag"], '"%s"' % m.group(1))
                self.assertEqual(headers["cache-control"], "public, max-age=31536000, immutable")
                status, h304, body = self.fetch(j["avatar"],
                                                headers={"If-None-Match": headers["etag"]})
                self.assertEqual((status, body), (304, b""))
                self.assertEqual(h304["etag"], headers["etag"])
                status, _, body = self.fetch(j["avatar"], headers={"If-None-Match": '"other"'})
                self.assertEqual((status, body), (200, data))
                status, hh, body = self.server.http("HEAD", j["avatar"][len(PUBLIC_URL):])
                self.assertEqual((status, body), (200, b""))
                self.assertEqual((hh["content-type"], hh["etag"]), (ctype, headers["etag"]))
                self.assertEqual(hh.get("content-length"), str(len(data)))
                info = self.ok("getPersonInfo", {"useracc": self.acc(a), "searchContent": a})
                self.assertEqual(info["avatar"], j["avatar"])

    def test_a_new_upload_gets_a_new_url(self):
        a = unique("an")
        first = self.assertOk(self.ytx.upload_avatar(self.acc(a), "1.png", png_bytes(seed=1)))
        second = self.assertOk(self.ytx.upload_avatar(a, "2.jpg", jpeg_bytes()))  # bare account
        self.assertNotEqual(first["avatar"], second["avatar"])
        self.assertGreater(second["updateTime"], first["updateTime"])
        self.assertEqual(self.fetch(first["avatar"])[0], 404)
        self.assertEqual(self.fetch(second["avatar"])[0], 200)

    def test_file_name_and_bytes_are_checked(self):
        a = unique("ab")
        # The bytes decide the type; the name only has to be an image name.
        j = self.assertOk(self.ytx.upload_avatar(self.acc(a), "1.jpg", gif_bytes()))
        self.assertTrue(j["avatar"].endswith(".gif"), j)
        for name in ["1.txt", "jpg", ".png", "1.png ", "1.webp", "1.svg", "1.jpg.exe"]:
            with self.subTest(fileName=name):
                self.assertCode(self.ytx.upload_avatar(self.acc(a), name, png_bytes()), "160104")
        for data in [b"hello, I am a text file\n", b"", b"BM not really a bitmap" * 4,
                     b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n", b"GIF8",
                     b"RIFF\x00\x00\x00\x00WEBPVP8 "]:
            with self.subTest(data=data[:12]):
                self.assertCode(self.ytx.upload_avatar(self.acc(a), "renamed.png", data),
                                "160104")
        r = self.ytx.call("uploadAvatar", None, raw_body=png_bytes())  # no useracc, no fileName
        self.assertCode(r, "160101")
        self.assertCode(self.ytx.upload_avatar(self.acc(a), "", png_bytes()), "160101")

    def test_size_limit(self):
        a = unique("as")
        big = png_bytes() + b"\x00" * (MAX_AVATAR - len(png_bytes()))
        self.assertEqual(len(big), MAX_AVATAR)
        self.assertOk(self.ytx.upload_avatar(self.acc(a), "big.png", big))
        self.assertCode(self.ytx.upload_avatar(self.acc(a), "big.png", big + b"\x00"), "160105")
        self.assertCode(self.ytx.upload_avatar(self.acc(a), "big.bmp", bmp_bytes(64, 64)),
                        "160105")
        # Past the route's limit (the largest app's) the transport refuses it unread, in the
        # envelope too; the other app takes what this one refuses.
        r = self.ytx.upload_avatar(self.acc(a), "big.png", big + b"\x00" * BIG_AVATAR)
        self.assertCode(r, "160105")
        other = self.client(BIG)
        self.assertOk(other.upload_avatar(other.useracc(a), "big.bmp", bmp_bytes(64, 64)))
        self.assertEqual(self.ok("getUserAvatar", {"useracc": self.acc(a)})["avatar"][-4:],
                         ".png")

    def test_unknown_avatar_is_404(self):
        for path in ["/avatars/" + "0" * 32 + ".png", "/avatars/" + "0" * 32,
                     "/avatars/xyz.png", "/avatars/" + "g" * 32 + ".png", "/avatars/"]:
            with self.subTest(path=path):
                status, headers, _ = self.server.http("GET", path)
                self.assertEqual(status, 404)

    def test_get_user_avatar(self):
        a = self.users(1, "ga")[0]
        j = self.ok("getUserAvatar", {"useracc": self.acc(a)})
        self.assertEqual(j["avatar"], "")
        self.assertEqual(j["updateTime"], "1970-01-01 08:00:00.000")  # no icon yet: the epoch
        up = self.assertOk(self.ytx.upload_avatar(self.acc(a), "me.png", png_bytes(seed=7)))
        j = self.ok("getUserAvatar", {"useracc": self.acc(a)})
        self.assertEqual(j, {"statusCode": OK, "statusMsg": "success", "avatar": up["avatar"],
                             "updateTime": up["updateTime"]})
        j = self.ok("getUserAvatar", {"useracc": self.acc(a), "updateTime": up["updateTime"]})
        self.assertEqual(j, {"statusCode": OK, "statusMsg": "success",
                             "updateTime": up["updateTime"]})
        j = self.ok("getUserAvatar", {"useracc": self.acc(a),
                                      "updateTime": "2017-07-21 12:00:00.123"})
        self.assertEqual(j["avatar"], up["avatar"])
        self.code("getUserAvatar", {"useracc": self.acc(a), "updateTime": "yesterday"}, "160102")

    def test_batch_get_user_avatar(self):
        a, b, c = self.users(3, "bg")
        up = self.assertOk(self.ytx.upload_avatar(self.acc(a), "a.bmp", bmp_bytes()))
        j = self.ok("batchGetUserAvatar", {"useraccList": [self.acc(a), self.acc(b), c],
                                           "isSimpUseracc": "1"})
        self.assertEqual(set(j), {"statusCode", "statusMsg", "avatarList"})
        self.assertEqual([x["useracc"] for x in j["avatarList"]], [a, b, c])
        self.assertEqual(j["avatarList"][0]["avatar"], up["avatar"])
        self.assertEqual(j["avatarList"][0]["updateTime"], up["updateTime"])
        self.assertEqual(j["avatarList"][1]["avatar"], "")
        for x in j["avatarList"]:
            self.assertRegex(x["updateTime"], MILLIS)
        full = self.ok("batchGetUserAvatar", {"useraccList": [self.acc(a)]})
        self.assertEqual(full["avatarList"][0]["useracc"], self.acc(a))
        self.code("batchGetUserAvatar", {"useraccList": [self.acc(a), self.acc(unique())]},
                  "160200")
        self.code("batchGetUserAvatar", {"useraccList": [self.acc(a)] * 101}, "160102")
        self.ok("batchGetUserAvatar", {"useraccList": [self.acc(a)] * 100})
        self.code("batchGetUserAvatar", {"useraccList": []}, "160102")
        self.code("batchGetUserAvatar", {"useraccList": self.acc(a)}, "160102")
        self.code("batchGetUserAvatar", {"useraccList": [1.5]}, "160102")
        self.code("batchGetUserAvatar", {}, "160101")


class DemoAppTests(YuntongxunCase):
    """The demo app (credentials from demo-app.toml): the seed's getFriends example works."""

    def test_seed_examples_on_the_demo_app(self):
        a, b = self.users(2, "demo")
        self.ok("setUserVerify", {"useracc": self.acc(b), "addVerify": "0"})
        self.ok("addFriend", {"useracc": self.acc(a), "friendUseracc": self.acc(b),
                              "message": "", "source": ""})
        j = self.ok("getFriends", {"useracc": self.acc(a), "size": "50", "isUpdate": "1",
                                   "isAllPage": "0", "isSimpUseracc": "0"})
        self.assertEqual([f["useracc"] for f in j["friendsList"]], [self.acc(b)])
        up = self.assertOk(self.ytx.upload_avatar(self.acc(a), "1.jpg", jpeg_bytes()))
        # No public_url: the URL is built from the Host the client reached.
        base = "http://%s:%d" % (self.server.host, self.server.port)
        self.assertTrue(up["avatar"].startswith(base + "/avatars/"), up)
        status, _, body = self.server.http("GET", up["avatar"][len(base):])
        self.assertEqual((status, body), (200, jpeg_bytes()))


if __name__ == "__main__":
    unittest.main()
