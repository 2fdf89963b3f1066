"""Every SealTalk call against the real binary, sent as the SealTalk apps send them (JSON bodies,
the login cookie), checked against the open-source sealtalk-server's answers
(src/routes/user.js and src/routes/friendship.js at tag 20250910): the account and cookie life
cycle, the profile and privacy calls, every friendship call's success and its 400/403/404, the
peer's bugs not reproduced, a race of invites and agrees, and the graph shared with NetEase.

One server for the module: one app, "demo", with [apps.sealtalk] (the dev verification code) and
[apps.netease]."""

import datetime
import random
import re
import string
import threading
import time
import unittest

from harness import run_threads, toml_config, unique
from netease_client import NetEase
from yuntongxun_client import Yuntongxun, app_table, new_app_id
from sealtalk_client import COOKIE, DEV_CODE, SealTalkCase, new_phone

NE = ("stcrosskey", "stcrosssecret")
YTX = (new_app_id(), "stcrossytxtoken")
# Every test runs from 127.0.0.1: the per-address code bounds are off here and tested on their
# own server below.
CONFIG = toml_config([{"name": "demo",
                       "sealtalk": {"dev_verification_code": DEV_CODE, "codes_per_address": 0},
                       "netease": {"app_key": NE[0], "app_secret": NE[1]},
                       "yuntongxun": app_table(*YTX)}], log_level="warn")
WEB = "https://web.example.test"
LIMITED_CONFIG = toml_config([{"name": "demo", "sealtalk": {"dev_verification_code": DEV_CODE,
                                                            "codes_per_address": 3,
                                                            "cors_origins": WEB}}],
                             log_level="warn")
NETEASE_MOBILE = "13800000001"  # the one fixed phone: a NetEase-created user's mobile

ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$")
ROW_KEYS = {"displayName", "message", "status", "updatedAt", "updatedTime", "user"}
ROW_USER_KEYS = {"id", "nickname", "region", "phone", "portraitUri", "gender", "stAccount"}
USER_KEYS = {"id", "nickname", "portraitUri", "gender", "stAccount", "phone"}
CONTACT_KEYS = {"registered", "relationship", "stAccount", "phone", "id", "nickname",
                "portraitUri"}
DESCRIPTION_KEYS = {"displayName", "region", "phone", "description", "imageUri"}
STATUSES = (10, 11, 20, 21, 30, 31)
URI_256 = "https://img.example.test/" + "i" * (256 - len("https://img.example.test/"))
ID_ALPHABET = string.ascii_letters + string.digits


def unknown_id():
    """An 11-character id that no user has (random: the chance that one does is nil)."""
    return "".join(random.choice(ID_ALPHABET) for _ in range(11))


def st_account(prefix):
    """A fresh SealTalk account: `prefix` (a letter first) and random letters, 12 characters."""
    return prefix + "".join(random.choice(string.ascii_lowercase)
                            for _ in range(12 - len(prefix)))


def altered(value, i):
    """`value` with its character at index i replaced by another of the same kind."""
    c = value[i]
    pool = (string.digits if c.isdigit() else
            string.ascii_lowercase if c.islower() else
            string.ascii_uppercase if c.isupper() else "A")
    repl = next(x for x in pool + "A0" if x != c)
    return value[:i] + repl + value[i + 1:]


class Base(SealTalkCase):

    CONFIG = CONFIG

    def setUp(self):
        super().setUp()
        self.ne = self.keep(NetEase(self.server, *NE))

    def ne_ok(self, reply):
        self.assertEqual((reply.status, reply.code), (200, 200), reply)
        return reply.json

    def netease_user(self, mobile, name):
        """A user created through NetEase with this mobile (and name, icon); the accid."""
        accid = unique("stn")
        self.ne_ok(self.ne.create_user(accid, name=name, mobile=mobile,
                                       icon="https://img.example.test/%s.png" % accid))
        return accid

    def sealtalk_session(self, phone, password="bridge-pass1"):
        """A SealTalk login of the NetEase-created user with this mobile: a code, reset_password,
        login."""
        c = self.client()
        token = c.verification_token("86", phone)
        self.assertBare(c.post("/user/reset_password",
                               {"password": password, "verification_token": token}))
        self.assertOk(c.login("86", phone, password))
        return c

    # -- reading the graph -----------------------------------------------------------------------

    def assertRow(self, row):
        """One /friendship/all row: its fields, an ISO 8601 updatedAt that is the same instant as
        the millisecond updatedTime, recent, and the peer's user fields."""
        self.assertEqual(set(row), ROW_KEYS, row)
        self.assertIsInstance(row["displayName"], str, row)
        self.assertIsInstance(row["message"], str, row)
        self.assertIn(row["status"], STATUSES, row)
        self.assertRegex(row["updatedAt"], ISO_8601)
        self.assertIsInstance(row["updatedTime"], int, row)
        self.assertNotIsInstance(row["updatedTime"], bool, row)
        when = datetime.datetime.fromisoformat(row["updatedAt"])
        self.assertEqual(round(when.timestamp() * 1000), row["updatedTime"], row)
        self.assertLess(abs(time.time() * 1000 - row["updatedTime"]), 300_000, row)
        self.assertEqual(set(row["user"]), ROW_USER_KEYS, row)
        self.assertIsInstance(row["user"]["id"], str, row)
        self.assertEqual(len(row["user"]["id"]), 11, row)

    def rows(self, c):
        """{friend id: row} of c's /friendship/all; no user listed twice."""
        result = self.assertOk(c.all())
        self.assertIsInstance(result, list)
        out = {}
        for row in result:
            self.assertRow(row)
            uid = row["user"]["id"]
            self.assertNotIn(uid, out, "listed twice: %r" % (result,))
            out[uid] = row
        return out

    def statuses(self, c):
        return {uid: row["status"] for uid, row in self.rows(c).items()}

    def status(self, c, other):
        """c's status for `other` (a client), or None when c has no row for them."""
        return self.statuses(c).get(other.user_id)

    def blacklist(self, c):
        """The ids in c's /user/blacklist."""
        result = self.assertOk(c.get("/user/blacklist"))
        self.assertIsInstance(result, list)
        ids = [e["user"]["id"] for e in result]
        self.assertEqual(len(ids), len(set(ids)), result)
        return ids

    # -- making relations ------------------------------------------------------------------------

    def action(self, reply):
        result = self.assertOk(reply)
        self.assertIsInstance(result, dict, reply)
        self.assertEqual(set(result), {"action"}, reply)
        return result["action"]

    def befriend(self, a, b):
        """a asks, b agrees: friends (20) both ways."""
        self.assertEqual(self.action(a.invite(b.user_id, "hi")), "Sent")
        self.assertEqual(self.action(b.agree(a.user_id)), "Added")
        self.assertEqual(self.status(a, b), 20)
        self.assertEqual(self.status(b, a), 20)


# ---------------------------------------------------------------------------------------------
# Accounts and the login cookie
# ---------------------------------------------------------------------------------------------


# The groups below are mixins: SealTalkCallTests, at the end, runs them all over one server.


class AccountTests:

    def test_send_code_throttle_and_verify(self):
        c, phone = self.client(), new_phone()
        self.assertBare(c.send_code("86", phone))
        self.assertCode(c.send_code("86", phone), 5000)  # again within 60 s
        self.assertCode(c.verify_code("86", phone, "000000"), 1000)
        result = self.assertOk(c.verify_code("86", phone, DEV_CODE))
        self.assertEqual(set(result), {"verification_token"}, result)
        self.assertIsInstance(result["verification_token"], str)
        self.assertTrue(result["verification_token"])
        # A phone no code was sent to.
        self.assertError(c.verify_code("86", new_phone(), DEV_CODE), 404)
        # Another phone is not throttled by the first.
        self.assertBare(c.send_code("86", new_phone()))
        # No cookie from any of these.
        self.assertIsNone(c.cookie)

    def test_five_wrong_codes_void_the_code(self):
        c, phone = self.client(), new_phone()
        self.assertBare(c.send_code("86", phone))
        for i in range(5):
            self.assertCode(c.verify_code("86", phone, "%06d" % i), 1000)
        r = c.verify_code("86", phone, DEV_CODE)
        self.assertIn(r.code, (1000, 2000), r)
        self.assertCode(r, r.code)
        # Four wrong tries do not.
        phone = new_phone()
        self.assertBare(c.send_code("86", phone))
        for i in range(4):
            self.assertCode(c.verify_code("86", phone, "%06d" % i), 1000)
        self.assertIn("verification_token", self.assertOk(c.verify_code("86", phone, DEV_CODE)))

    def test_register_login_logout_cycle(self):
        phone, nick, pw = new_phone(), "注册者", "first-pass1"
        a = self.client()
        r = a.register(nick, pw, a.verification_token("86", phone))
        result = self.assertOk(r)
        self.assertEqual(set(result), {"id"}, r)
        uid = result["id"]
        self.assertIsInstance(uid, str)
        self.assertEqual(len(uid), 11, uid)
        value, attrs = r.cookie()
        self.assertTrue(value, r.set_cookies)
        self.assertIn("httponly", attrs, r.set_cookies)
        self.assertEqual(a.cookie, value)
        me = self.assertOk(a.user(uid))
        self.assertEqual((me["id"], me["nickname"], me["phone"]), (uid, nick, phone))
        # Login: unknown phone, wrong password, right one (a second session).
        other = self.client()
        self.assertCode(other.login("86", new_phone(), pw), 1000)
        self.assertCode(other.login("86", phone, pw + "x"), 1001)
        self.assertIsNone(other.cookie)
        b = self.client()
        result = self.assertOk(b.login("86", phone, pw))
        self.assertEqual(set(result), {"id", "token"}, result)
        self.assertEqual(result["id"], uid)
        self.assertIsInstance(result["token"], str)
        self.assertIsNotNone(b.cookie)
        self.assertIsNotNone(b.login("86", phone, pw).cookie())  # every login sets the cookie
        self.assertOk(b.get("/user/get_privacy"))
        # Logout ends every cookie of the user: this one (cleared from the jar), copies of it, and
        # the other session's.
        saved = a.cookie
        self.assertBare(a.logout())
        self.assertIsNone(a.cookie, "logout does not clear the cookie")
        self.assertNotLoggedIn(a.get("/user/get_privacy"))
        old = self.keep(a.with_cookie(saved))
        self.assertNotLoggedIn(old.get("/user/get_privacy"))
        self.assertNotLoggedIn(old.logout())
        self.assertNotLoggedIn(b.get("/user/get_privacy"))
        self.assertNotLoggedIn(b.post("/user/set_nickname", {"nickname": "zq-nick"}))
        # A new login after the logout works.
        c = self.client()
        self.assertOk(c.login("86", phone, pw))
        self.assertOk(c.get("/user/get_privacy"))

    def test_taken_phone_and_reset_password(self):
        # A second code for a phone needs a minute: the phones here are NetEase users' mobiles,
        # registered without SealTalk.
        m1, m2 = new_phone(), new_phone()
        self.netease_user(m1, "Taken")
        self.netease_user(m2, "Resetter")
        c = self.client()
        self.assertError(c.register("Qv", "pw-zq71x", c.verification_token("86", m1)), 400)
        self.assertIsNone(c.cookie)
        # reset_password: bad input first (the token survives it), then the real one.
        token = c.verification_token("86", m2)
        self.assertIn(c.login("86", m2, "reset-pass1").code, (1000, 1001))
        for password in ("12345", "p" * 21, "pw zq71x"):
            with self.subTest(password=password):
                self.assertError(c.post("/user/reset_password",
                                        {"password": password, "verification_token": token}), 400)
        r = c.post("/user/reset_password", {"password": "reset-pass1",
                                            "verification_token": "not-a-token"})
        self.assertIn(r.status, (400, 404), r)
        self.assertError(r, r.status)
        self.assertBare(c.post("/user/reset_password",
                               {"password": "reset-pass1", "verification_token": token}))
        self.assertIsNone(c.cookie)  # a reset is no login
        self.assertCode(c.login("86", m2, "reset-pass2"), 1001)
        result = self.assertOk(c.login("86", m2, "reset-pass1"))
        self.assertEqual(result["id"], self.assertOk(c.get("/user/find/86/" + m2))["id"])
        self.assertEqual(self.assertOk(c.user(result["id"]))["nickname"], "Resetter")

    def test_change_password_ends_old_cookies(self):
        a = self.user(password="old-pass1")
        b = self.client()
        self.assertOk(b.login("86", a.phone, "old-pass1"))
        saved_a, saved_b = a.cookie, b.cookie
        # A wrong old password changes nothing.
        self.assertCode(a.post("/user/change_password",
                               {"oldPassword": "not-it1", "newPassword": "new-pass2"}), 1000)
        self.assertOk(a.get("/user/get_privacy"))
        self.assertOk(b.get("/user/get_privacy"))
        for bad in ("12345", "x" * 21, "has space"):
            with self.subTest(newPassword=bad):
                self.assertError(a.post("/user/change_password",
                                        {"oldPassword": "old-pass1", "newPassword": bad}), 400)
        self.assertBare(a.post("/user/change_password",
                               {"oldPassword": "old-pass1", "newPassword": "new-pass2"}))
        for saved in (saved_a, saved_b):
            self.assertNotLoggedIn(self.keep(a.with_cookie(saved)).get("/user/get_privacy"))
        self.assertCode(self.client().login("86", a.phone, "old-pass1"), 1001)
        c = self.client()
        self.assertEqual(self.assertOk(c.login("86", a.phone, "new-pass2"))["id"], a.user_id)
        self.assertOk(c.get("/user/get_privacy"))
        self.assertNotLoggedIn(self.client().post(
            "/user/change_password", {"oldPassword": "new-pass2", "newPassword": "new-pass3"}))

    def test_register_bad_input_leaves_the_token_usable(self):
        c, phone = self.client(), new_phone()
        token = c.verification_token("86", phone)
        for nickname, password in (("", "pw-zq71x"), ("n" * 33, "pw-zq71x"), ("Qv", "12345"),
                                   ("Qv", "p" * 21), ("Qv", "pw zq71x")):
            with self.subTest(nickname=nickname, password=password):
                self.assertError(c.register(nickname, password, token), 400)
        for bad in ("not-a-token", "00000000-0000-1000-8000-000000000000"):
            with self.subTest(token=bad):
                r = c.register("Qv", "pw-zq71x", bad)
                self.assertIn(r.status, (400, 404), r)
                self.assertError(r, r.status)
        self.assertIsNone(c.cookie)
        self.assertEqual(len(self.assertOk(c.register("n" * 32, "p" * 20, token))["id"]), 11)
        self.assertIsNotNone(c.cookie)

    def test_forged_and_altered_cookies(self):
        a = self.user()
        good = a.cookie
        self.assertTrue(good)
        n = len(good)
        forged = {
            "first char": altered(good, 0),
            "middle char": altered(good, n // 2),
            "second to last char": altered(good, n - 2),
            "truncated": good[:-4],
            "extended": good + "AAAA",
            "doubled": good + good,
            "empty": "",
            "garbage": "garbage",
            "random hex": "".join(random.choice("0123456789abcdef") for _ in range(n)),
            "reversed": good[::-1],
        }
        for name, value in forged.items():
            if value == good:
                continue
            with self.subTest(cookie=name):
                c = self.keep(a.with_cookie(value))
                self.assertNotLoggedIn(c.get("/user/get_privacy"))
                self.assertNotLoggedIn(c.post("/friendship/invite", {"friendId": a.user_id}))
        # The right value under another name is no login either.
        c = self.client()
        c.cookies["rong_auth"] = good
        self.assertNotLoggedIn(c.get("/user/get_privacy"))
        # Beside other cookies it still is, and the original still works.
        c = self.client()
        c.cookies.update({"theme": "dark", COOKIE: good, "lang": "zh"})
        self.assertOk(c.get("/user/get_privacy"))
        self.assertOk(a.get("/user/get_privacy"))
        # One user's cookie is that user's only.
        b = self.user()
        self.assertNotEqual(b.cookie, good)
        self.assertEqual(self.assertOk(b.user(b.user_id))["id"], b.user_id)

    def test_every_private_call_needs_the_cookie(self):
        a = self.user()
        anon = self.client()
        posts = ["/user/logout", "/user/change_password", "/user/set_nickname",
                 "/user/set_portrait_uri", "/user/set_gender", "/user/set_st_account",
                 "/user/set_privacy", "/user/add_to_blacklist", "/user/remove_from_blacklist",
                 "/friendship/invite", "/friendship/agree", "/friendship/ignore",
                 "/friendship/delete", "/friendship/set_display_name",
                 "/friendship/get_contacts_info", "/friendship/batch_delete",
                 "/friendship/set_friend_description", "/friendship/get_friend_description"]
        for path in posts:
            with self.subTest(path=path):
                self.assertNotLoggedIn(anon.post(path, {"friendId": a.user_id}))
        gets = ["/user/get_privacy", "/user/blacklist", "/user/" + a.user_id,
                "/user/find/86/" + a.phone, "/friendship/all",
                "/friendship/%s/profile" % a.user_id]
        for path in gets:
            with self.subTest(path=path):
                self.assertNotLoggedIn(anon.get(path))

    def test_malformed_json_is_400(self):
        a = self.user()
        for raw in ('{"friendId":', "not json", "[1,2", '{"friendId": "x"} trailing'):
            with self.subTest(body=raw):
                self.assertError(a.post("/friendship/invite", raw_body=raw), 400)
                self.assertError(self.client().post("/user/login", raw_body=raw), 400)


# ---------------------------------------------------------------------------------------------
# Profile, privacy, lookups, blacklist
# ---------------------------------------------------------------------------------------------


class ProfileTests:

    def test_user_fields_and_setters(self):
        a = self.user("Alice")
        b = self.user()
        self.assertEqual(self.assertOk(b.user(a.user_id)), {
            "id": a.user_id, "nickname": "Alice", "portraitUri": "", "gender": "male",
            "stAccount": "", "phone": a.phone})
        self.assertBare(a.post("/user/set_nickname", {"nickname": "爱丽丝"}))
        self.assertBare(a.post("/user/set_portrait_uri",
                               {"portraitUri": "https://img.example.test/alice.png"}))
        self.assertBare(a.post("/user/set_gender", {"gender": "female"}))
        st = st_account("al_")
        self.assertBare(a.post("/user/set_st_account", {"stAccount": st}))
        self.assertEqual(self.assertOk(b.user(a.user_id)), {
            "id": a.user_id, "nickname": "爱丽丝",
            "portraitUri": "https://img.example.test/alice.png", "gender": "female",
            "stAccount": st, "phone": a.phone})
        self.assertBare(a.post("/user/set_gender", {"gender": "male"}))
        self.assertEqual(self.assertOk(a.user(a.user_id))["gender"], "male")
        # Bad values: 400, nothing changes.
        bad = [("/user/set_nickname", {"nickname": ""}),
               ("/user/set_nickname", {"nickname": "n" * 33}),
               ("/user/set_portrait_uri", {"portraitUri": "not a url at all"}),
               ("/user/set_portrait_uri", {"portraitUri": "ftp://img.example.test/a.png"}),
               ("/user/set_gender", {"gender": "zqx"}),
               ("/user/set_gender", {"gender": ""}),
               ("/user/set_st_account", {"stAccount": "abcde"}),
               ("/user/set_st_account", {"stAccount": "a" * 21}),
               ("/user/set_st_account", {"stAccount": "1abcdef"}),
               ("/user/set_st_account", {"stAccount": "abc def"}),
               ("/user/set_st_account", {"stAccount": "abc.def"})]
        for path, body in bad:
            with self.subTest(path=path, body=body):
                self.assertError(a.post(path, body), 400)
        self.assertEqual(self.assertOk(b.user(a.user_id))["nickname"], "爱丽丝")
        # Limits are inclusive.
        self.assertBare(a.post("/user/set_nickname", {"nickname": "n" * 32}))
        # A taken SealTalk account: code 1000, mine unchanged.
        self.assertCode(b.post("/user/set_st_account", {"stAccount": st}), 1000)
        self.assertEqual(self.assertOk(b.user(b.user_id))["stAccount"], "")
        self.assertBare(b.post("/user/set_st_account", {"stAccount": st_account("B") + "x" * 8}))
        # Unknown ids.
        for uid in (unknown_id(), "x", "0", "1"):
            with self.subTest(id=uid):
                self.assertError(b.user(uid), 404)

    def test_find_by_phone_and_privacy(self):
        a = self.user("Finder")
        b = self.user("Findee")
        found = self.assertOk(a.get("/user/find/86/" + b.phone))
        self.assertEqual(found, {"id": b.user_id, "nickname": "Findee", "portraitUri": ""})
        self.assertError(a.get("/user/find/86/" + new_phone()), 404)
        self.assertPrivacy(b, 1, 1, 1, 1)  # the defaults
        self.assertBare(b.post("/user/set_privacy", {"phoneVerify": 0}))
        self.assertPrivacy(b, 0, 1, 1, 1)  # only what was sent changed
        self.assertError(a.get("/user/find/86/" + b.phone), 404)
        self.assertBare(b.post("/user/set_privacy", {"stSearchVerify": 0, "friVerify": 0}))
        self.assertPrivacy(b, 0, 0, 0, 1)
        self.assertBare(b.post("/user/set_privacy",
                               {"phoneVerify": 1, "stSearchVerify": 1, "friVerify": 1}))
        self.assertPrivacy(b, 1, 1, 1, 1)
        self.assertEqual(self.assertOk(a.get("/user/find/86/" + b.phone))["id"], b.user_id)
        for body in ({}, {"phoneVerify": 2}, {"friVerify": -1}, {"stSearchVerify": 1.5},
                     {"phoneVerify": 0, "friVerify": 7}):
            with self.subTest(body=body):
                self.assertError(b.post("/user/set_privacy", body), 400)
        self.assertPrivacy(b, 1, 1, 1, 1)

    def assertPrivacy(self, c, phone, st_search, fri, group):
        got = self.assertOk(c.get("/user/get_privacy"))
        self.assertEqual({k: got.get(k) for k in ("phoneVerify", "stSearchVerify", "friVerify",
                                                  "groupVerify")},
                         {"phoneVerify": phone, "stSearchVerify": st_search, "friVerify": fri,
                          "groupVerify": group}, got)

    def test_user_ids_are_opaque_and_not_sequential(self):
        users = [self.user() for _ in range(5)]
        ids = [u.user_id for u in users]
        self.assertEqual(len(set(ids)), 5, ids)
        for uid in ids:
            self.assertIsInstance(uid, str)
            self.assertEqual(len(uid), 11, uid)
            self.assertRegex(uid, r"^[A-Za-z0-9_~.-]{11}$")  # safe in a path
        # Consecutive registrations: no shared 8-character prefix (a counter's encoding would
        # share most of its characters), not decimal numbers, no constant step.
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                self.assertNotEqual(ids[i][:8], ids[j][:8], ids)
        self.assertFalse(all(uid.isdigit() for uid in ids), ids)

    def test_blacklist(self):
        a, b, c = self.user(), self.user("Blocked"), self.user()
        self.befriend(a, b)
        self.assertEqual(self.blacklist(a), [])
        self.assertBare(a.block(b.user_id))
        entries = self.assertOk(a.get("/user/blacklist"))
        self.assertEqual(len(entries), 1, entries)
        self.assertEqual(entries[0]["user"]["id"], b.user_id)
        self.assertEqual(entries[0]["user"]["nickname"], "Blocked")
        self.assertIn("portraitUri", entries[0]["user"])
        self.assertEqual(self.status(a, b), 31)  # I blocked a friend
        self.assertEqual(self.status(b, a), 20)  # they still see a friend
        self.assertBare(a.block(c.user_id))  # a non-friend
        self.assertEqual(sorted(self.blacklist(a)), sorted([b.user_id, c.user_id]))
        self.assertIsNone(self.status(a, c))
        self.assertBare(a.unblock(b.user_id))
        self.assertEqual(self.blacklist(a), [c.user_id])
        self.assertEqual(self.status(a, b), 20)
        self.assertEqual(self.blacklist(b), [])
        self.assertError(a.block(unknown_id()), 404)


# ---------------------------------------------------------------------------------------------
# Friendship calls
# ---------------------------------------------------------------------------------------------


class FriendshipTests:

    def test_invite_then_agree(self):
        a, b = self.user("Asker"), self.user("Answerer")
        self.assertEqual(self.action(a.invite(b.user_id, "你好，我是 Asker")), "Sent")
        ra, rb = self.rows(a), self.rows(b)
        self.assertEqual(set(ra), {b.user_id})
        self.assertEqual(set(rb), {a.user_id})
        self.assertEqual(ra[b.user_id]["status"], 10)
        self.assertEqual(rb[a.user_id]["status"], 11)
        self.assertEqual(rb[a.user_id]["message"], "你好，我是 Asker")
        self.assertEqual(rb[a.user_id]["user"], {
            "id": a.user_id, "nickname": "Asker", "region": "86", "phone": a.phone,
            "portraitUri": "", "gender": "male", "stAccount": ""})
        self.assertEqual(ra[b.user_id]["user"]["nickname"], "Answerer")
        # Only the one asked can agree.
        self.assertError(a.agree(b.user_id), 404)
        self.assertEqual(self.action(b.agree(a.user_id)), "Added")
        self.assertEqual(self.status(a, b), 20)
        self.assertEqual(self.status(b, a), 20)
        self.assertError(b.agree(a.user_id), 404)  # answered already
        self.assertError(a.invite(b.user_id, "again"), 400)  # friends both ways
        self.assertError(b.invite(a.user_id), 400)
        profile = self.assertOk(a.profile(b.user_id))
        self.assertEqual(profile["displayName"], "")
        self.assertEqual(profile["user"]["id"], b.user_id)
        self.assertEqual(profile["user"]["nickname"], "Answerer")
        self.assertEqual(profile["user"]["phone"], b.phone)

    def test_crossing_invites_make_friends(self):
        a, b = self.user(), self.user()
        self.assertEqual(self.action(a.invite(b.user_id, "first")), "Sent")
        self.assertEqual(self.action(b.invite(a.user_id, "second")), "Added")
        self.assertEqual(self.status(a, b), 20)
        self.assertEqual(self.status(b, a), 20)
        self.assertError(a.agree(b.user_id), 404)
        self.assertError(b.agree(a.user_id), 404)

    def test_invite_errors(self):
        a, b, c = self.user(), self.user(), self.user()
        # Unknown friendId: 404, answered (the peer never answers: its promise throws).
        r = a.invite(unknown_id(), "zq-hello")
        self.assertError(r, 404)
        self.assertError(a.invite(a.user_id, "zq-self"), 400)
        self.assertError(a.invite(b.user_id, "m" * 65), 400)
        self.assertEqual(self.statuses(a), {})
        self.assertEqual(self.statuses(b), {})
        # 64 characters (not bytes) is the limit.
        self.assertEqual(self.action(a.invite(b.user_id, "好" * 64)), "Sent")
        self.assertEqual(self.rows(b)[a.user_id]["message"], "好" * 64)
        # No message at all: a request all the same (the peer answers 500).
        self.assertEqual(self.action(a.invite(c.user_id)), "Sent")
        self.assertEqual(self.status(c, a), 11)
        self.assertEqual(self.rows(c)[a.user_id]["message"], "")
        # Malformed friendId: refused, never a 5xx.
        for bad in (None, "", 12345, ["x"], {"id": "x"}, True, "x" * 300):
            with self.subTest(friendId=bad):
                r = a.post("/friendship/invite", {"friendId": bad, "message": "zq-bad"})
                self.assertIn(r.status, (400, 404), r)
                self.assertError(r, r.status)
        r = a.post("/friendship/invite", {"message": "zq-none"})
        self.assertIn(r.status, (400, 404), r)
        self.assertError(r, r.status)

    def test_add_directly_when_friend_verify_is_off(self):
        a, b = self.user(), self.user()
        self.assertBare(b.post("/user/set_privacy", {"friVerify": 0}))
        self.assertEqual(self.action(a.invite(b.user_id, "let me in")), "AddDirectly")
        self.assertEqual(self.status(a, b), 20)
        self.assertEqual(self.status(b, a), 20)
        self.assertError(a.invite(b.user_id), 400)

    def test_blocked_invite_answers_none(self):
        a, b = self.user(), self.user()
        self.assertBare(b.block(a.user_id))
        self.assertEqual(self.action(a.invite(b.user_id, "blocked?")), "None")
        self.assertEqual(self.statuses(a), {})
        self.assertEqual(self.statuses(b), {})
        # Nor does AddDirectly get round the block (the peer clears it and adds).
        self.assertBare(b.post("/user/set_privacy", {"friVerify": 0}))
        self.assertEqual(self.action(a.invite(b.user_id, "directly?")), "None")
        self.assertEqual(self.statuses(a), {})
        self.assertEqual(self.statuses(b), {})
        self.assertEqual(self.blacklist(b), [a.user_id])
        # Unblocked, the invite goes through.
        self.assertBare(b.unblock(a.user_id))
        self.assertEqual(self.action(a.invite(b.user_id, "now?")), "AddDirectly")
        self.assertEqual(self.status(b, a), 20)

    def test_ignore(self):
        a, b, c = self.user(), self.user(), self.user()
        self.assertEqual(self.action(a.invite(b.user_id, "ignore me")), "Sent")
        self.assertError(a.ignore(b.user_id), 404)  # my own request
        self.assertBare(b.ignore(a.user_id))
        self.assertEqual(self.status(b, a), 21)
        self.assertEqual(self.status(a, b), 10)  # the asker is not told
        self.assertError(b.ignore(a.user_id), 404)
        self.assertError(b.agree(a.user_id), 404)  # ignored is not asked
        self.assertError(b.ignore(c.user_id), 404)  # no relation
        self.assertError(b.ignore(unknown_id()), 404)
        self.befriend(b, c)
        self.assertError(b.ignore(c.user_id), 404)  # friends

    def test_delete_is_one_sided(self):
        a, b, c, d = self.user(), self.user(), self.user(), self.user()
        self.befriend(a, b)
        self.assertBare(a.delete(b.user_id))
        self.assertEqual(self.status(a, b), 30)
        self.assertEqual(self.status(b, a), 20)
        self.assertError(a.profile(b.user_id), 403)
        self.assertEqual(self.assertOk(b.profile(a.user_id))["user"]["id"], a.user_id)
        self.assertError(a.delete(b.user_id), 404)  # deleted already
        self.assertError(a.delete(c.user_id), 404)  # no relation
        self.assertEqual(self.action(a.invite(d.user_id, "pending")), "Sent")
        self.assertError(a.delete(d.user_id), 404)  # a request, not a friend
        self.assertError(d.delete(a.user_id), 404)
        self.assertError(a.delete(unknown_id()), 404)
        self.assertEqual(self.status(a, d), 10)

    def test_agree_does_not_refriend_a_deleter(self):
        a, b = self.user(), self.user()
        self.befriend(a, b)
        self.assertBare(b.delete(a.user_id))
        # a's row is 20, not 11: nothing to agree to (the peer sets b's row back to 20).
        self.assertError(a.agree(b.user_id), 404)
        self.assertError(b.agree(a.user_id), 404)
        self.assertEqual(self.status(b, a), 30)
        self.assertEqual(self.status(a, b), 20)

    def test_agree_keeps_blocks(self):
        # The asker blocked the one asked, who agrees; then the one asked blocked the asker.
        for blocker in ("asker", "asked"):
            with self.subTest(blocker=blocker):
                a, b = self.user(), self.user()
                self.assertEqual(self.action(a.invite(b.user_id, "hi")), "Sent")
                x, y = (a, b) if blocker == "asker" else (b, a)
                self.assertBare(x.block(y.user_id))
                r = b.agree(a.user_id)  # what it answers is not the point here
                self.assertIn(r.status, (200, 400, 403, 404), r)
                if r.status == 200:
                    self.assertEqual(self.action(r), "Added")
                else:
                    self.assertError(r, r.status)
                # The peer clears every block between the two on agree.
                self.assertEqual(self.blacklist(x), [y.user_id])
                self.assertEqual(self.blacklist(y), [])

    def test_set_display_name(self):
        a, b, c = self.user(), self.user(), self.user()
        self.befriend(a, b)
        self.assertBare(a.post("/friendship/set_display_name",
                               {"friendId": b.user_id, "displayName": "老同学"}))
        self.assertEqual(self.rows(a)[b.user_id]["displayName"], "老同学")
        self.assertEqual(self.rows(b)[a.user_id]["displayName"], "")  # mine only
        self.assertEqual(self.assertOk(a.profile(b.user_id))["displayName"], "老同学")
        self.assertBare(a.post("/friendship/set_display_name",
                               {"friendId": b.user_id, "displayName": "d" * 32}))
        self.assertError(a.post("/friendship/set_display_name",
                                {"friendId": b.user_id, "displayName": "d" * 33}), 400)
        self.assertEqual(self.rows(a)[b.user_id]["displayName"], "d" * 32)
        self.assertBare(a.post("/friendship/set_display_name",
                               {"friendId": b.user_id, "displayName": ""}))  # clears
        self.assertEqual(self.rows(a)[b.user_id]["displayName"], "")
        self.assertError(a.post("/friendship/set_display_name",
                                {"friendId": c.user_id, "displayName": "zq-c"}), 404)
        self.assertError(a.post("/friendship/set_display_name",
                                {"friendId": unknown_id(), "displayName": "zq-u"}), 404)
        self.assertBare(a.delete(b.user_id))
        self.assertError(a.post("/friendship/set_display_name",
                                {"friendId": b.user_id, "displayName": "zq-b"}), 404)

    def test_a_listing_read_again_shows_every_change_since(self):
        # Each read below follows a read of the same list, which the server keeps: every change
        # in between must show (a peer's profile, my alias, a block, a new request).
        a, b, c = self.user(), self.user(), self.user()
        self.befriend(a, b)
        self.rows(a)
        self.assertBare(b.post("/user/set_nickname", {"nickname": "新名字"}))
        self.assertEqual(self.rows(a)[b.user_id]["user"]["nickname"], "新名字")
        self.assertBare(b.post("/user/set_portrait_uri", {"portraitUri": "https://img.test/b.png"}))
        self.assertEqual(self.rows(a)[b.user_id]["user"]["portraitUri"], "https://img.test/b.png")
        self.assertBare(a.post("/friendship/set_display_name",
                               {"friendId": b.user_id, "displayName": "B"}))
        self.assertEqual(self.rows(a)[b.user_id]["displayName"], "B")
        self.assertBare(a.post("/user/add_to_blacklist", {"friendId": b.user_id}))
        self.assertEqual(self.rows(a)[b.user_id]["status"], 31)
        self.assertEqual(self.action(c.invite(a.user_id, "hi")), "Sent")
        self.assertEqual(self.rows(a)[c.user_id]["status"], 11)
        self.assertBare(b.post("/user/set_st_account", {"stAccount": "b_" + b.user_id[:8]}))
        self.assertEqual(self.rows(a)[b.user_id]["user"]["stAccount"], "b_" + b.user_id[:8])
        # The rows and the user cards behind it are reported at /metrics.
        self.rows(a)
        status, _, body = self.server.http("GET", "/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        for cache in ("peer_rows", "users", "friend_lists"):
            self.assertIn('friendgraph_cache_entries{cache="%s"}' % cache, text)
        hits = re.search(r'friendgraph_cache_hits_total\{cache="peer_rows"\} (\d+)', text)
        self.assertTrue(hits and int(hits.group(1)) >= 1, text[-600:])

    def test_profile_only_of_friends(self):
        a, b, c = self.user(), self.user(), self.user()
        self.assertError(a.profile(b.user_id), 403)  # strangers
        self.assertEqual(self.action(a.invite(b.user_id, "pending")), "Sent")
        self.assertError(a.profile(b.user_id), 403)
        self.assertError(b.profile(a.user_id), 403)
        self.assertEqual(self.action(b.agree(a.user_id)), "Added")
        result = self.assertOk(b.profile(a.user_id))
        self.assertEqual(result["displayName"], "")
        self.assertLessEqual(ROW_USER_KEYS, set(result["user"]), result)
        self.assertEqual(result["user"]["id"], a.user_id)
        self.assertEqual(result["user"]["region"], "86")
        r = c.profile(unknown_id())
        self.assertIn(r.status, (403, 404), r)
        self.assertError(r, r.status)

    def test_get_contacts_info(self):
        a, b, c = self.user(), self.user("Bee"), self.user("Cee")
        self.befriend(a, b)
        b_st = st_account("bee-")
        self.assertBare(b.post("/user/set_st_account", {"stAccount": b_st}))
        nobody = new_phone()
        got = self.assertOk(a.post("/friendship/get_contacts_info",
                                   {"contactList": [b.phone, nobody, c.phone, b.phone]}))
        self.assertEqual(got, [
            {"registered": 1, "relationship": 1, "stAccount": b_st, "phone": b.phone,
             "id": b.user_id, "nickname": "Bee", "portraitUri": ""},
            {"registered": 0, "relationship": 0, "stAccount": "", "phone": nobody, "id": None,
             "nickname": "", "portraitUri": ""},
            {"registered": 1, "relationship": 0, "stAccount": "", "phone": c.phone,
             "id": c.user_id, "nickname": "Cee", "portraitUri": ""},
            {"registered": 1, "relationship": 1, "stAccount": b_st, "phone": b.phone,
             "id": b.user_id, "nickname": "Bee", "portraitUri": ""}])
        # Relationship is mine: after my delete, 0 for me and still 1 for them.
        self.assertBare(a.delete(b.user_id))
        mine = self.assertOk(a.post("/friendship/get_contacts_info", {"contactList": [b.phone]}))
        theirs = self.assertOk(b.post("/friendship/get_contacts_info",
                                      {"contactList": [a.phone]}))
        self.assertEqual((mine[0]["relationship"], theirs[0]["relationship"]), (0, 1))
        # Not an array: 400, answered (the peer hangs or fails).
        for bad in (b.phone, {"phone": b.phone}, 13800000000, None, True):
            with self.subTest(contactList=bad):
                self.assertError(a.post("/friendship/get_contacts_info", {"contactList": bad}),
                                 400)
        self.assertError(a.post("/friendship/get_contacts_info", {}), 400)
        # At most 500 phones.
        many = ["139%08d" % i for i in range(500)]
        got = self.assertOk(a.post("/friendship/get_contacts_info", {"contactList": many}))
        self.assertEqual([e["phone"] for e in got], many)
        self.assertTrue(all(e["registered"] == 0 for e in got))
        self.assertError(a.post("/friendship/get_contacts_info",
                                {"contactList": many + ["13900000500"]}), 400)

    def test_batch_delete(self):
        a, b, c, d = self.user(), self.user(), self.user(), self.user()
        self.befriend(a, b)
        self.befriend(a, c)
        self.assertEqual(self.action(a.invite(d.user_id, "pending")), "Sent")
        r = a.post("/friendship/batch_delete", {"friendIds": [b.user_id, c.user_id, d.user_id]})
        self.assertEqual(self.assertOk(r), 2)
        self.assertEqual(self.statuses(a), {b.user_id: 30, c.user_id: 30, d.user_id: 10})
        self.assertEqual(self.status(b, a), 20)
        self.assertEqual(self.status(c, a), 20)
        self.assertEqual(self.assertOk(a.post("/friendship/batch_delete",
                                              {"friendIds": [b.user_id]})), 0)
        too_many = [unknown_id() for _ in range(101)]
        self.assertError(a.post("/friendship/batch_delete", {"friendIds": too_many}), 400)
        self.assertEqual(self.statuses(a), {b.user_id: 30, c.user_id: 30, d.user_id: 10})

    def test_friend_description(self):
        a, b, c = self.user(), self.user(), self.user()
        self.befriend(a, b)
        self.assertBare(a.post("/friendship/set_display_name",
                               {"friendId": b.user_id, "displayName": "dn1"}))

        def get():
            got = self.assertOk(a.post("/friendship/get_friend_description",
                                       {"friendId": b.user_id}))
            self.assertEqual(set(got), DESCRIPTION_KEYS, got)
            return got

        self.assertEqual(get()["displayName"], "dn1")
        self.assertBare(a.post("/friendship/set_friend_description", {
            "friendId": b.user_id, "description": "高中同学", "imageUri":
            "https://img.example.test/card.png"}))
        got = get()
        self.assertEqual((got["displayName"], got["description"], got["imageUri"]),
                         ("dn1", "高中同学", "https://img.example.test/card.png"))
        # With a phone (the peer's bug) and only what is sent changes.
        self.assertBare(a.post("/friendship/set_friend_description", {
            "friendId": b.user_id, "region": "86", "phone": "13912345678"}))
        self.assertEqual(get(), {"displayName": "dn1", "region": "86", "phone": "13912345678",
                                 "description": "高中同学",
                                 "imageUri": "https://img.example.test/card.png"})
        self.assertBare(a.post("/friendship/set_friend_description",
                               {"friendId": b.user_id, "displayName": "dn2"}))
        self.assertEqual(get()["displayName"], "dn2")
        self.assertEqual(self.rows(a)[b.user_id]["displayName"], "dn2")
        self.assertEqual(get()["phone"], "13912345678")
        # An empty string clears a field.
        self.assertBare(a.post("/friendship/set_friend_description",
                               {"friendId": b.user_id, "description": ""}))
        self.assertEqual(get()["description"], "")
        # Limits.
        self.assertBare(a.post("/friendship/set_friend_description",
                               {"friendId": b.user_id, "description": "长" * 500}))
        self.assertBare(a.post("/friendship/set_friend_description",
                               {"friendId": b.user_id, "imageUri": URI_256}))
        for body in ({"description": "长" * 501}, {"imageUri": URI_256 + "i"}):
            with self.subTest(body=body):
                self.assertError(a.post("/friendship/set_friend_description",
                                        dict(body, friendId=b.user_id)), 400)
        self.assertEqual(get()["description"], "长" * 500)
        # The other side's description is theirs.
        theirs = self.assertOk(b.post("/friendship/get_friend_description",
                                      {"friendId": a.user_id}))
        self.assertNotEqual(theirs.get("description"), "长" * 500)
        # No such user.
        self.assertError(a.post("/friendship/set_friend_description",
                                {"friendId": unknown_id(), "description": "zq-u"}), 404)
        self.assertError(a.post("/friendship/get_friend_description",
                                {"friendId": unknown_id()}), 404)

    def test_error_texts_hide_ids(self):
        a, b, c = self.user(), self.user(), self.user()
        self.befriend(a, b)
        u1, u2 = unknown_id(), unknown_id()
        ids = [a.user_id, b.user_id, c.user_id, u1, u2]
        errors = [
            (a.invite(b.user_id, "zq-1"), 400),   # peer: "User <id> is already your friend."
            (a.invite(a.user_id, "zq-2"), 400),
            (c.profile(a.user_id), 403),             # peer: "... not friend of user <number>."
            (c.agree(a.user_id), 404),
            (c.ignore(a.user_id), 404),
            (c.delete(a.user_id), 404),
            (c.post("/friendship/set_display_name",
                    {"friendId": a.user_id, "displayName": "x"}), 404),
            (c.user(u1), 404),
            (c.invite(u2, "zq-3"), 404),
        ]
        for reply, status in errors:
            with self.subTest(call=reply.label):
                text = self.assertError(reply, status, forbid=ids)
                self.assertNotRegex(text, r"\d", "a number in %r" % (text,))


# ---------------------------------------------------------------------------------------------
# A race
# ---------------------------------------------------------------------------------------------


class RaceTests:

    def test_invites_and_agrees_both_ways_at_once(self):
        a, b = self.user(), self.user()
        jobs = ([("invite", a, b)] * 32 + [("invite", b, a)] * 32 +
                [("agree", a, b)] * 16 + [("agree", b, a)] * 16)
        random.shuffle(jobs)
        clients = [me.clone() for _, me, _ in jobs]
        for c in clients:
            self.assertOk(c.get("/user/get_privacy"))  # connected before the start
        barrier = threading.Barrier(len(jobs))
        answers = [None] * len(jobs)

        def worker(i):
            kind, _, other = jobs[i]
            c = clients[i]
            try:
                barrier.wait(timeout=30)
                if kind == "invite":
                    answers[i] = c.invite(other.user_id, "race %d" % i)
                else:
                    answers[i] = c.agree(other.user_id)
            finally:
                c.close()

        run_threads(worker, len(jobs), timeout=60)
        added = 0
        for (kind, _, _), r in zip(jobs, answers):
            if kind == "invite":
                self.assertIn(r.status, (200, 400), r)
                if r.status == 200:
                    self.assertIn(self.action(r), ("Sent", "Added", "None"), r)
                else:
                    self.assertError(r, 400)
            else:
                self.assertIn(r.status, (200, 404), r)
                if r.status == 200:
                    self.assertEqual(self.action(r), "Added", r)
                else:
                    self.assertError(r, 404)
            added += r.status == 200 and r.result.get("action") == "Added"
        # One change made them friends; every later call found them friends already.
        self.assertEqual(added, 1, [r.raw for r in answers])
        self.assertEqual(self.statuses(a), {b.user_id: 20})
        self.assertEqual(self.statuses(b), {a.user_id: 20})
        self.assertEqual(self.assertOk(a.profile(b.user_id))["user"]["id"], b.user_id)
        self.assertError(a.invite(b.user_id), 400)


# ---------------------------------------------------------------------------------------------
# The same graph through NetEase
# ---------------------------------------------------------------------------------------------


class CrossDialectTests:

    def ne_friends(self, accid):
        j = self.ne_ok(self.ne.get_friends(accid))
        names = [f["faccid"] for f in j["friends"]]
        self.assertEqual(len(names), len(set(names)), names)
        return {f["faccid"]: f for f in j["friends"]}

    def test_an_invite_is_a_request_in_yuntongxun_and_agreed_there(self):
        phone = new_phone()
        n = self.netease_user(phone, "云通讯用户")
        s = self.user("SealAsker")
        nid = self.assertOk(s.get("/user/find/86/" + phone))["id"]
        self.assertEqual(self.action(s.invite(nid, "你好")), "Sent")
        ytx = Yuntongxun(self.server, *YTX)
        try:
            listed = ytx.call("friendMessage", {"useracc": ytx.useracc(n)}).json
            self.assertEqual(listed["statusCode"], "000000", listed)
            invite = listed["inviteList"][-1]
            self.assertEqual((invite["isInvited"], invite["message"], invite["dealState"]),
                             ("1", "你好", "0"), invite)
            agreed = ytx.call("friendAgree", {"useracc": ytx.useracc(n),
                                              "friendUseracc": invite["friendUseracc"]}).json
            self.assertEqual(agreed["statusCode"], "000000", agreed)
        finally:
            ytx.close()
        self.assertEqual(self.rows(s)[nid]["status"], 20)

    def test_netease_user_with_a_mobile_is_found_and_asked_here(self):
        n = self.netease_user(NETEASE_MOBILE, "网易用户")
        s = self.user("SealUser")
        found = self.assertOk(s.get("/user/find/86/" + NETEASE_MOBILE))
        self.assertEqual(found, {"id": found["id"], "nickname": "网易用户",
                                 "portraitUri": "https://img.example.test/%s.png" % n})
        nid = found["id"]
        self.assertIsInstance(nid, str)
        self.assertEqual(len(nid), 11, nid)
        nobody = new_phone()
        got = self.assertOk(s.post("/friendship/get_contacts_info",
                                   {"contactList": [NETEASE_MOBILE, nobody]}))
        self.assertEqual(got[0], {"registered": 1, "relationship": 0, "stAccount": "",
                                  "phone": NETEASE_MOBILE, "id": nid, "nickname": "网易用户",
                                  "portraitUri": "https://img.example.test/%s.png" % n})
        self.assertEqual((got[1]["registered"], got[1]["id"]), (0, None))
        user = self.assertOk(s.user(nid))
        self.assertEqual((user["id"], user["nickname"], user["phone"]),
                         (nid, "网易用户", NETEASE_MOBILE))
        # A SealTalk invite: pending here (10), and no friendship yet in NetEase.
        self.assertEqual(self.action(s.invite(nid, "来自 SealTalk")), "Sent")
        row = self.rows(s)[nid]
        self.assertEqual(row["status"], 10)
        self.assertEqual((row["user"]["phone"], row["user"]["region"]), (NETEASE_MOBILE, "86"))
        self.assertEqual(self.ne_friends(n), {})
        self.assertError(s.profile(nid), 403)

    def test_requests_and_friends_across_dialects(self):
        m1, m2, m3 = new_phone(), new_phone(), new_phone()
        n1 = self.netease_user(m1, "Bridge")
        n2 = self.netease_user(m2, "Two")
        n3 = self.netease_user(m3, "Three")
        s = self.user("Sealer")
        # The NetEase accid of a SealTalk-registered user is never shown to a client: a NetEase
        # user logged in here (reset_password) is the bridge that names both sides.
        bridge = self.sealtalk_session(m1)
        id1 = bridge.user_id
        self.assertEqual(self.assertOk(s.get("/user/find/86/" + m1))["id"], id1)
        id2 = self.assertOk(s.get("/user/find/86/" + m2))["id"]
        id3 = self.assertOk(s.get("/user/find/86/" + m3))["id"]
        # A SealTalk invite is a pending request for the NetEase user (11 here, no friend there).
        self.assertEqual(self.action(s.invite(id1, "hello bridge")), "Sent")
        self.assertEqual(self.rows(bridge)[s.user_id]["status"], 11)
        self.assertEqual(self.rows(bridge)[s.user_id]["message"], "hello bridge")
        self.assertEqual(self.ne_friends(n1), {})
        # Agreed here: friends in NetEase too, which names s's accid.
        self.assertEqual(self.action(bridge.agree(s.user_id)), "Added")
        friends = self.ne_friends(n1)
        self.assertEqual(len(friends), 1, friends)
        s_acc, entry = next(iter(friends.items()))
        self.assertTrue(entry["bidirection"], entry)
        self.assertTrue(self.ne_friends(s_acc)[n1]["bidirection"])
        # A NetEase add of type 1 is status 20 here, both ways.
        self.ne_ok(self.ne.add(s_acc, n2, 1))
        self.assertEqual(self.statuses(s).get(id2), 20)
        self.ne_ok(self.ne.add(n1, n2, 1))
        self.assertEqual(self.statuses(bridge).get(id2), 20)
        # A SealTalk invite is a request NetEase can accept (type 3): then 20 here.
        self.assertEqual(self.action(s.invite(id3, "accept in NetEase")), "Sent")
        self.assertEqual(self.statuses(s).get(id3), 10)
        self.assertNotIn(n3, self.ne_friends(s_acc))
        self.ne_ok(self.ne.add(n3, s_acc, 3))
        self.assertEqual(self.statuses(s).get(id3), 20)
        # A NetEase request (type 2) is 11 here; agreed here, friends in NetEase.
        m4 = new_phone()
        n4 = self.netease_user(m4, "Four")
        id4 = self.assertOk(s.get("/user/find/86/" + m4))["id"]
        self.ne_ok(self.ne.add(n4, s_acc, 2, msg="from NetEase"))
        self.assertEqual(self.rows(s)[id4]["status"], 11)
        self.assertEqual(self.action(s.agree(id4)), "Added")
        self.assertTrue(self.ne_friends(n4)[s_acc]["bidirection"])
        # NetEase's one-sided delete is 30 on that side only.
        self.ne_ok(self.ne.delete(n1, s_acc))
        self.assertEqual(self.rows(bridge)[s.user_id]["status"], 30)
        self.assertEqual(self.rows(s)[id1]["status"], 20)
        self.assertFalse(self.ne_friends(s_acc)[n1]["bidirection"])
        # And a SealTalk delete is gone from NetEase's list on that side.
        self.assertBare(s.delete(id2))
        self.assertNotIn(n2, self.ne_friends(s_acc))
        self.assertIn(s_acc, self.ne_friends(n2))


class SealTalkCallTests(AccountTests, ProfileTests, FriendshipTests, RaceTests, CrossDialectTests,
                        Base):
    """Every group above over one server."""


class AddressBoundTests(SealTalkCase):
    """codes_per_address: one client asks for at most that many codes, and tries at most that
    many wrong ones, per 10 minutes, whatever the phones."""

    CONFIG = LIMITED_CONFIG

    def test_one_address_cannot_flood_phones_or_guess_many(self):
        c = self.client()
        phones = [new_phone() for _ in range(4)]
        for phone in phones[:3]:
            self.assertBare(c.send_code("86", phone))
        self.assertError(c.send_code("86", phones[3]), 429)
        for phone in phones[:3]:
            self.assertCode(c.verify_code("86", phone, "000000"), 1000)
        # Three wrong tries over three phones: the address is locked, the right code too.
        self.assertError(c.verify_code("86", phones[0], DEV_CODE), 429)

    def test_a_web_client_of_an_allowed_origin_gets_cors_headers(self):
        c = self.client()
        for origin, allowed in ((WEB, True), ("https://evil.example.test", False)):
            r = c.request("OPTIONS", "/friendship/all",
                          headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
            self.assertEqual(r.status, 204, r)
            self.assertEqual(r.headers.get("access-control-allow-origin"),
                             origin if allowed else None, r)
            r = c.request("GET", "/friendship/all", headers={"Origin": origin})
            self.assertEqual(r.status, 403, r)  # no cookie; the answer still carries CORS
            self.assertEqual(r.headers.get("access-control-allow-origin"),
                             origin if allowed else None, r)
            self.assertEqual(r.headers.get("access-control-allow-credentials"),
                             "true" if allowed else None, r)


if __name__ == "__main__":
    unittest.main()
