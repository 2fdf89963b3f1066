"""Every NetEase call, against the real binary, with exact codes and fields."""

import json
import re
import unittest

from harness import toml_config, unique
from netease_client import CONFIG_APPS, LIMITED, OTHER, NeteaseCase

HEX32 = re.compile(r"^[0-9a-f]{32}$")


class UserTests(NeteaseCase):

    def test_create_generates_token(self):
        accid = unique()
        r = self.ne.create_user(accid, name="Zhang San")
        self.assertOk(r)
        self.assertEqual(r["info"]["accid"], accid)
        self.assertEqual(r["info"]["name"], "Zhang San")
        self.assertRegex(r["info"]["token"], HEX32)
        other = self.ne.create_user(unique())
        self.assertNotEqual(other["info"]["token"], r["info"]["token"])

    def test_create_keeps_given_token(self):
        accid = unique()
        r = self.ne.create_user(accid, token="my-own-token")
        self.assertOk(r)
        self.assertEqual(r["info"], {"token": "my-own-token", "accid": accid})

    def test_create_empty_token_means_generated(self):
        r = self.ne.create_user(unique(), token="")
        self.assertOk(r)
        self.assertRegex(r["info"]["token"], HEX32)

    def test_create_duplicate_is_414(self):
        accid = unique()
        self.assertOk(self.ne.create_user(accid))
        self.assertCode(self.ne.create_user(accid), 414)

    def test_create_missing_accid_is_414(self):
        self.assertCode(self.ne.call("user/create", {"name": "x"}), 414)
        self.assertCode(self.ne.call("user/create", {"accid": ""}), 414)

    def test_create_bad_accid_chars_is_414(self):
        for bad in ["has space", "semi;colon", "slash/x", "hash#x", "中文", "a+b", "quote'"]:
            with self.subTest(accid=bad):
                self.assertCode(self.ne.create_user(bad), 414)

    def test_create_allowed_punctuation(self):
        accid = unique("p") + "_@.-x"
        self.assertOk(self.ne.create_user(accid))

    def test_create_accid_length(self):
        base = unique("L")
        ok = (base + "x" * 32)[:32]
        self.assertOk(self.ne.create_user(ok))
        self.assertCode(self.ne.create_user(ok + "y"), 405)

    def test_accid_is_case_insensitive_and_stored_lower_case(self):
        accid = unique("Mixed") + "ABC"
        self.assertNotEqual(accid, accid.lower())
        r = self.ne.create_user(accid)
        self.assertOk(r)
        self.assertEqual(r["info"]["accid"], accid.lower())
        self.assertCode(self.ne.create_user(accid.upper()), 414)
        self.assertCode(self.ne.create_user(accid.lower()), 414)
        got = self.ne.call("user/getUinfos", {"accids": json.dumps([accid.upper()])})
        self.assertOk(got)
        self.assertEqual([u["accid"] for u in got["uinfos"]], [accid.lower()])
        # Friend calls find the user under any case too.
        peer = unique()
        self.assertOk(self.ne.create_user(peer))
        self.assertOk(self.ne.add(accid.upper(), peer, 1))
        self.assertEqual(self.ne.friend_names(peer), [accid.lower()])
        f = self.ne.get_by_accid(peer, accid)
        self.assertOk(f)
        self.assertEqual(f["friend"]["faccid"], accid.lower())

    def test_create_gender(self):
        for g in ["0", "1", "2"]:
            with self.subTest(gender=g):
                self.assertOk(self.ne.create_user(unique(), gender=g))
        for g in ["3", "-1", "abc", "1.0", ""]:
            with self.subTest(gender=g):
                self.assertCode(self.ne.create_user(unique(), gender=g), 414)

    def test_create_field_lengths(self):
        self.assertOk(self.ne.create_user(unique(), name="名" * 64))
        self.assertCode(self.ne.create_user(unique(), name="名" * 65), 405)
        self.assertCode(self.ne.create_user(unique(), sign="s" * 257), 405)
        self.assertCode(self.ne.create_user(unique(), token="t" * 129), 405)
        self.assertCode(self.ne.create_user(unique(), ex="e" * 1025), 405)

    def test_create_profile_is_readable(self):
        accid = unique()
        self.assertOk(self.ne.create_user(
            accid, name="n", icon="http://x/i.png", sign="s", email="a@b.c", birth="1990-01-01",
            mobile="13800000000", gender="2", ex='{"k":1}'))
        r = self.ne.call("user/getUinfos", {"accids": json.dumps([accid])})
        self.assertOk(r)
        self.assertEqual(r["uinfos"], [{
            "accid": accid, "name": "n", "icon": "http://x/i.png", "sign": "s",
            "email": "a@b.c", "birth": "1990-01-01", "mobile": "13800000000", "gender": 2,
            "ex": '{"k":1}'}])

    def test_text_round_trips_exactly(self):
        # JSON escaping of quotes, backslashes, control characters, NUL, U+2028, and 4-byte
        # UTF-8; lengths are counted in characters, not bytes.
        for name in ['q"b\\c\n\t\x01\x7f', "a\x00b", "\u2028x", "😀" * 64, "é"]:
            with self.subTest(name=name):
                accid = unique()
                r = self.ne.create_user(accid, name=name)
                self.assertOk(r)
                self.assertEqual(r["info"]["name"], name)
                got = self.ne.call("user/getUinfos", {"accids": json.dumps([accid])})
                self.assertEqual(got["uinfos"][0]["name"], name)
        self.assertCode(self.ne.create_user(unique(), name="😀" * 65), 405)
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1, serverex="x\x00y\"z"))
        self.assertEqual(self.ne.get_by_accid(a, b)["friend"]["serverex"], "x\x00y\"z")

    def test_update_token(self):
        accid = unique()
        self.assertOk(self.ne.create_user(accid))
        self.assertOk(self.ne.call("user/update", {"accid": accid, "token": "new-token"}))
        self.assertOk(self.ne.call("user/update", {"accid": accid.upper(), "token": "t2"}))
        self.assertCode(self.ne.call("user/update", {"accid": accid, "token": "t" * 129}), 405)
        self.assertCode(self.ne.call("user/update", {"accid": unique(), "token": "x"}), 404)
        self.assertCode(self.ne.call("user/update", {"token": "x"}), 414)

    def test_refresh_token(self):
        accid = unique()
        created = self.ne.create_user(accid)
        self.assertOk(created)
        r = self.ne.call("user/refreshToken", {"accid": accid})
        self.assertOk(r)
        self.assertEqual(r["info"]["accid"], accid)
        self.assertRegex(r["info"]["token"], HEX32)
        self.assertNotEqual(r["info"]["token"], created["info"]["token"])
        again = self.ne.call("user/refreshToken", {"accid": accid})
        self.assertOk(again)
        self.assertNotEqual(again["info"]["token"], r["info"]["token"])
        self.assertCode(self.ne.call("user/refreshToken", {"accid": unique()}), 404)
        self.assertCode(self.ne.call("user/refreshToken", {}), 414)

    def test_get_uinfos(self):
        a, b = self.ne.users(2)
        missing = unique()
        r = self.ne.call("user/getUinfos", {"accids": json.dumps([b, missing, a])})
        self.assertOk(r)
        # In the order asked, unknown accids left out, unset fields absent, gender 0.
        self.assertEqual(r["uinfos"], [{"accid": b, "gender": 0}, {"accid": a, "gender": 0}])
        empty = self.ne.call("user/getUinfos", {"accids": "[]"})
        self.assertOk(empty)
        self.assertEqual(empty["uinfos"], [])

    def test_get_uinfos_limits_and_shapes(self):
        a = self.ne.users(1)[0]
        at_limit = [a] + [unique() for _ in range(199)]
        r = self.ne.call("user/getUinfos", {"accids": json.dumps(at_limit)})
        self.assertOk(r)
        self.assertEqual([u["accid"] for u in r["uinfos"]], [a])
        over = at_limit + [unique()]
        self.assertCode(self.ne.call("user/getUinfos", {"accids": json.dumps(over)}), 414)
        for bad in ["not json", a, '{"a":1}', "[1,2]", '["a",', '"a"', ""]:
            with self.subTest(accids=bad):
                self.assertCode(self.ne.call("user/getUinfos", {"accids": bad}), 414)
        self.assertCode(self.ne.call("user/getUinfos", {}), 414)

    def test_update_uinfo(self):
        accid = unique()
        self.assertOk(self.ne.create_user(accid, name="before", sign="keep me"))
        self.assertOk(self.ne.call("user/updateUinfo",
                                   {"accid": accid, "name": "after", "gender": "1",
                                    "email": "x@y.z"}))
        r = self.ne.call("user/getUinfos", {"accids": json.dumps([accid])})
        self.assertEqual(r["uinfos"], [{"accid": accid, "name": "after", "sign": "keep me",
                                        "email": "x@y.z", "gender": 1}])
        # A present empty value replaces; an absent one is left as it is.
        self.assertOk(self.ne.call("user/updateUinfo", {"accid": accid, "sign": ""}))
        r = self.ne.call("user/getUinfos", {"accids": json.dumps([accid])})
        self.assertEqual(r["uinfos"][0]["sign"], "")
        self.assertEqual(r["uinfos"][0]["name"], "after")
        self.assertCode(self.ne.call("user/updateUinfo", {"accid": accid, "gender": "5"}), 414)
        self.assertCode(self.ne.call("user/updateUinfo", {"accid": accid, "name": "n" * 65}),
                        405)
        self.assertCode(self.ne.call("user/updateUinfo", {"accid": unique(), "name": "x"}), 404)
        self.assertCode(self.ne.call("user/updateUinfo", {"name": "x"}), 414)


class FriendAddTests(NeteaseCase):

    def assertFriends(self, a, b, bidirection=True):
        for x, y in ((a, b), (b, a)) if bidirection else ((a, b),):
            r = self.ne.get_by_accid(x, y)
            self.assertOk(r)
            self.assertEqual(r["friend"]["faccid"], y)
            self.assertEqual(r["friend"]["bidirection"], bidirection)
            self.assertEqual(self.ne.friend_names(x).count(y), 1)

    def assertNotFriends(self, a, b):
        self.assertCode(self.ne.get_by_accid(a, b), 404)
        self.assertNotIn(b, self.ne.friend_names(a))

    def test_type1_direct_and_repeat(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertFriends(a, b)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.add(b, a, 1))
        self.assertFriends(a, b)
        self.assertEqual(self.ne.friend_names(a), [b])
        self.assertEqual(self.ne.friend_names(b), [a])

    def test_type1_sets_serverex(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1, serverex="sx", msg="hello"))
        f = self.ne.get_by_accid(a, b)["friend"]
        self.assertEqual(f["serverex"], "sx")
        self.assertIsNone(f["ex"])
        self.assertIsNone(self.ne.get_by_accid(b, a)["friend"]["serverex"])

    def test_type2_request_then_type3_accept(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 2, msg="I am a"))
        self.assertNotFriends(a, b)
        self.assertNotFriends(b, a)
        self.assertOk(self.ne.add(a, b, 2, msg="again"))  # a refresh is fine
        self.assertOk(self.ne.add(b, a, 3))
        self.assertFriends(a, b)
        # The request is answered: answering again finds nothing pending.
        self.assertCode(self.ne.add(b, a, 3), 404)
        self.assertCode(self.ne.add(b, a, 4), 404)

    def test_type3_without_request_is_404(self):
        a, b = self.ne.users(2)
        self.assertCode(self.ne.add(b, a, 3), 404)
        self.assertCode(self.ne.add(b, a, 4), 404)
        # Only the recipient can answer: the requester cannot accept their own request.
        self.assertOk(self.ne.add(a, b, 2))
        self.assertCode(self.ne.add(a, b, 3), 404)
        self.assertNotFriends(a, b)

    def test_type4_reject_then_accept_is_404(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 2))
        self.assertOk(self.ne.add(b, a, 4))
        self.assertCode(self.ne.add(b, a, 3), 404)
        self.assertNotFriends(a, b)
        self.assertNotFriends(b, a)
        # A new request after a refusal is pending again and can be accepted.
        self.assertOk(self.ne.add(a, b, 2))
        self.assertOk(self.ne.add(b, a, 3))
        self.assertFriends(a, b)

    def test_crossing_requests_become_friends(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 2))
        self.assertOk(self.ne.add(b, a, 2))
        self.assertFriends(a, b)
        # Both requests are settled.
        self.assertCode(self.ne.add(a, b, 3), 404)
        self.assertCode(self.ne.add(b, a, 3), 404)

    def test_request_when_already_friends_is_417(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertCode(self.ne.add(a, b, 2), 417)
        self.assertCode(self.ne.add(b, a, 2), 417)
        # One-sided after a delete: a request is allowed again.
        self.assertOk(self.ne.delete(a, b))
        self.assertOk(self.ne.add(a, b, 2))
        self.assertOk(self.ne.add(b, a, 3))
        self.assertFriends(a, b)

    def test_blacklisted_requester_is_403(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.call("user/setSpecialRelation",
                                   {"accid": b, "targetAcc": a, "relationType": 1, "value": 1}))
        self.assertCode(self.ne.add(a, b, 2), 403)
        self.assertCode(self.ne.add(a, b, 1), 403)
        self.assertNotFriends(a, b)
        self.assertNotFriends(b, a)
        # The blocker may still add; blocking is one-way.
        self.assertOk(self.ne.call("user/setSpecialRelation",
                                   {"accid": b, "targetAcc": a, "relationType": 1, "value": 0}))
        self.assertOk(self.ne.add(a, b, 2))
        self.assertOk(self.ne.add(b, a, 3))
        self.assertFriends(a, b)

    def test_mute_does_not_stop_requests(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.call("user/setSpecialRelation",
                                   {"accid": b, "targetAcc": a, "relationType": 2, "value": 1}))
        self.assertOk(self.ne.add(a, b, 2))

    def test_block_keeps_existing_friendship(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.call("user/setSpecialRelation",
                                   {"accid": b, "targetAcc": a, "relationType": 1, "value": 1}))
        self.assertFriends(a, b)

    def test_unknown_users_are_404(self):
        a = self.ne.users(1)[0]
        for t in (1, 2, 3, 4):
            with self.subTest(type=t):
                self.assertCode(self.ne.add(a, unique(), t), 404)
                self.assertCode(self.ne.add(unique(), a, t), 404)

    def test_self_add_is_414(self):
        a = self.ne.users(1)[0]
        self.assertCode(self.ne.add(a, a, 1), 414)
        self.assertCode(self.ne.add(a, a.upper(), 2), 414)

    def test_msg_length(self):
        a, b, c = self.ne.users(3)
        self.assertOk(self.ne.add(a, b, 2, msg="消" * 256))
        self.assertCode(self.ne.add(a, c, 2, msg="消" * 257), 405)
        self.assertCode(self.ne.add(a, c, 1, serverex="x" * 257), 405)
        self.assertNotFriends(a, c)

    def test_bad_parameters_are_414(self):
        a, b = self.ne.users(2)
        for t in ("0", "5", "abc", "", "1.5", " 1", "+1", "99999999999999999999"):
            with self.subTest(type=t):
                self.assertCode(self.ne.add(a, b, t), 414)
        self.assertCode(self.ne.call("friend/add", {"accid": a, "faccid": b}), 414)
        self.assertCode(self.ne.call("friend/add", {"accid": a, "type": 1}), 414)
        self.assertCode(self.ne.call("friend/add", {"faccid": b, "type": 1}), 414)
        self.assertCode(self.ne.add(a, "b" * 33, 1), 405)
        self.assertNotFriends(a, b)


class FriendEditTests(NeteaseCase):

    def test_update_alias_ex_serverex(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        before = self.ne.get_by_accid(a, b)["friend"]
        self.assertNotIn("alias", before)
        self.assertOk(self.ne.call("friend/update", {"accid": a, "faccid": b,
                                                     "alias": "别" * 128, "ex": "e",
                                                     "serverex": "s"}))
        f = self.ne.get_by_accid(a, b)["friend"]
        self.assertEqual((f["alias"], f["ex"], f["serverex"]), ("别" * 128, "e", "s"))
        self.assertGreater(f["updatetime"], before["updatetime"])
        self.assertEqual(f["createtime"], before["createtime"])
        # Only a's side changed.
        back = self.ne.get_by_accid(b, a)["friend"]
        self.assertNotIn("alias", back)
        self.assertIsNone(back["ex"])
        # Empty strings are allowed and replace; absent fields stay.
        self.assertOk(self.ne.call("friend/update", {"accid": a, "faccid": b, "alias": ""}))
        f = self.ne.get_by_accid(a, b)["friend"]
        self.assertEqual((f["alias"], f["ex"], f["serverex"]), ("", "e", "s"))
        listed = self.ne.get_friends(a)["friends"]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["alias"], "")

    def test_update_lengths_and_errors(self):
        a, b, c = self.ne.users(3)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertCode(self.ne.call("friend/update",
                                     {"accid": a, "faccid": b, "alias": "x" * 129}), 405)
        self.assertCode(self.ne.call("friend/update",
                                     {"accid": a, "faccid": b, "ex": "x" * 257}), 405)
        self.assertCode(self.ne.call("friend/update",
                                     {"accid": a, "faccid": b, "serverex": "x" * 257}), 405)
        self.assertCode(self.ne.call("friend/update", {"accid": a, "faccid": c, "alias": "x"}),
                        404)
        self.assertCode(self.ne.call("friend/update",
                                     {"accid": a, "faccid": unique(), "alias": "x"}), 404)
        self.assertCode(self.ne.call("friend/update", {"accid": a, "alias": "x"}), 414)
        # Not a friend any more after a delete.
        self.assertOk(self.ne.delete(a, b))
        self.assertCode(self.ne.call("friend/update", {"accid": a, "faccid": b, "alias": "x"}),
                        404)

    def test_delete_is_one_sided(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.delete(a, b))
        self.assertCode(self.ne.get_by_accid(a, b), 404)
        self.assertEqual(self.ne.friend_names(a), [])
        f = self.ne.get_by_accid(b, a)
        self.assertOk(f)
        self.assertFalse(f["friend"]["bidirection"])
        listed = self.ne.get_friends(b)["friends"]
        self.assertEqual([(x["faccid"], x["bidirection"]) for x in listed], [(a, False)])
        # Deleting again, or deleting a non-friend, is 404.
        self.assertCode(self.ne.delete(a, b), 404)
        c = self.ne.users(1)[0]
        self.assertCode(self.ne.delete(a, c), 404)
        self.assertCode(self.ne.delete(a, unique()), 404)
        # b may still delete their side.
        self.assertOk(self.ne.delete(b, a))
        self.assertEqual(self.ne.friend_names(b), [])

    def test_delete_keeps_alias_by_default(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.call("friend/update", {"accid": a, "faccid": b, "alias": "bob"}))
        self.assertOk(self.ne.delete(a, b))
        self.assertOk(self.ne.add(a, b, 1))
        self.assertEqual(self.ne.get_by_accid(a, b)["friend"]["alias"], "bob")
        self.assertOk(self.ne.delete(a, b, isDeleteAlias="false"))
        self.assertOk(self.ne.add(a, b, 1))
        self.assertEqual(self.ne.get_by_accid(a, b)["friend"]["alias"], "bob")

    def test_delete_alias_on_request(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.call("friend/update", {"accid": a, "faccid": b, "alias": "bob"}))
        self.assertOk(self.ne.delete(a, b, isDeleteAlias="true"))
        self.assertOk(self.ne.add(a, b, 1))
        f = self.ne.get_by_accid(a, b)["friend"]
        self.assertNotIn("alias", f)
        self.assertNotIn("alias", self.ne.get_friends(a)["friends"][0])

    def test_delete_bad_parameters(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertCode(self.ne.delete(a, b, isDeleteAlias="yes"), 414)
        self.assertCode(self.ne.call("friend/delete", {"accid": a}), 414)
        self.assertEqual(self.ne.friend_names(a), [b])

    def test_get_filters_by_updatetime(self):
        a, b, c, d = self.ne.users(4)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.add(a, c, 1))
        full = self.ne.get_friends(a)
        self.assertOk(full)
        self.assertEqual(full["size"], 2)
        self.assertEqual(sorted(f["faccid"] for f in full["friends"]), sorted([b, c]))
        for f in full["friends"]:
            self.assertEqual(set(f), {"createtime", "updatetime", "bidirection", "faccid"})
            self.assertTrue(f["bidirection"])
            self.assertIsInstance(f["createtime"], int)
            self.assertGreaterEqual(f["updatetime"], f["createtime"])
        mark = max(f["updatetime"] for f in full["friends"])
        nothing = self.ne.get_friends(a, mark)
        self.assertOk(nothing)
        self.assertEqual((nothing["size"], nothing["friends"]), (0, []))
        # Changed after the mark: a new friend and an updated one; b is untouched.
        self.assertOk(self.ne.add(a, d, 1))
        self.assertOk(self.ne.call("friend/update", {"accid": a, "faccid": c, "alias": "cc"}))
        since = self.ne.get_friends(a, mark)
        self.assertOk(since)
        self.assertEqual(since["size"], 2)
        self.assertEqual(sorted(f["faccid"] for f in since["friends"]), sorted([c, d]))
        for f in since["friends"]:
            self.assertGreater(f["updatetime"], mark)
        # Oldest change first: d was added before c was updated.
        self.assertEqual([f["faccid"] for f in since["friends"]], [d, c])
        # Deleted friends are not listed, in full or incrementally.
        self.assertOk(self.ne.delete(a, d))
        after_delete = self.ne.get_friends(a, mark)
        self.assertEqual([f["faccid"] for f in after_delete["friends"]], [c])
        self.assertEqual(after_delete["size"], 1)
        full = self.ne.get_friends(a)
        self.assertEqual(full["size"], 2)
        self.assertEqual(sorted(f["faccid"] for f in full["friends"]), sorted([b, c]))
        # A mark in the future returns nothing.
        self.assertEqual(self.ne.get_friends(a, 2 ** 62)["size"], 0)

    def test_get_updatetime_range(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        r = self.ne.get_friends(a, 2 ** 63 - 1)
        self.assertOk(r)
        self.assertEqual(r["size"], 0)
        self.assertCode(self.ne.get_friends(a, 2 ** 63), 414)

    def test_get_createtime_is_a_synonym(self):
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        r = self.ne.call("friend/get", {"accid": a, "createtime": 0})
        self.assertOk(r)
        self.assertEqual(r["size"], 1)
        self.assertEqual(r["friends"][0]["faccid"], b)
        mark = r["friends"][0]["updatetime"]
        self.assertEqual(self.ne.call("friend/get", {"accid": a, "createtime": mark})["size"], 0)
        # updatetime wins when both are given.
        r = self.ne.call("friend/get", {"accid": a, "updatetime": 0, "createtime": mark})
        self.assertEqual(r["size"], 1)

    def test_get_errors(self):
        a = self.ne.users(1)[0]
        empty = self.ne.get_friends(a)
        self.assertOk(empty)
        self.assertEqual((empty["size"], empty["friends"]), (0, []))
        self.assertCode(self.ne.call("friend/get", {"accid": a}), 414)
        self.assertCode(self.ne.call("friend/get", {"accid": a, "updatetime": "abc"}), 414)
        self.assertCode(self.ne.call("friend/get", {"accid": a, "updatetime": "-1"}), 414)
        self.assertCode(self.ne.call("friend/get", {"updatetime": 0}), 414)
        self.assertCode(self.ne.get_friends(unique()), 404)

    def test_get_by_accid(self):
        a, b, c = self.ne.users(3)
        self.assertCode(self.ne.get_by_accid(a, b), 404)
        self.assertOk(self.ne.add(a, b, 1))
        r = self.ne.get_by_accid(a, b)
        self.assertOk(r)
        f = r["friend"]
        self.assertEqual(set(f), {"createtime", "updatetime", "bidirection", "faccid", "ex",
                                  "serverex"})
        self.assertIsNone(f["ex"])
        self.assertIsNone(f["serverex"])
        self.assertEqual((f["faccid"], f["bidirection"]), (b, True))
        self.assertIn('"ex":null', r.raw.decode())
        self.assertCode(self.ne.get_by_accid(a, c), 404)
        self.assertCode(self.ne.get_by_accid(a, unique()), 404)
        self.assertCode(self.ne.get_by_accid(unique(), a), 404)
        self.assertCode(self.ne.call("friend/getByAccid", {"accid": a}), 414)


class DisabledAccountTests(NeteaseCase):
    """user/block.action and user/unblock.action set the account's disabled flag (shared with
    every dialect): a disabled account keeps its friends and takes part in no new friendship."""

    def test_block_and_unblock(self):
        a, b, c = self.ne.users(3)
        self.assertOk(self.ne.add(a, b, 1))
        self.assertOk(self.ne.add(c, a, 2, msg="hi"))
        self.assertOk(self.ne.call("user/block", {"accid": a, "needkick": "true"}))
        self.assertEqual(self.ne.friend_names(a), [b])  # friendships stay
        self.assertCode(self.ne.add(a, c, 1), 403)
        self.assertCode(self.ne.add(c, a, 2), 403)
        self.assertCode(self.ne.add(a, c, 3), 403)  # nor can it answer
        self.assertOk(self.ne.call("user/block", {"accid": a}))  # already blocked: fine
        self.assertOk(self.ne.call("user/unblock", {"accid": a}))
        self.assertOk(self.ne.add(a, c, 3))  # the pending request survived
        self.assertEqual(sorted(self.ne.friend_names(a)), sorted([b, c]))

    def test_errors(self):
        self.assertCode(self.ne.call("user/block", {"accid": unique()}), 404)
        self.assertCode(self.ne.call("user/unblock", {}), 414)
        a = self.ne.users(1)[0]
        self.assertCode(self.ne.call("user/block", {"accid": a, "needkick": "maybe"}), 414)


class RelationTests(NeteaseCase):

    def lists(self, accid):
        r = self.ne.call("user/listBlackAndMuteList", {"accid": accid})
        self.assertOk(r)
        self.assertEqual(set(r.json), {"code", "mutelist", "blacklist"})
        return sorted(r["blacklist"]), sorted(r["mutelist"])

    def relate(self, accid, target, rtype, value):
        return self.ne.call("user/setSpecialRelation",
                            {"accid": accid, "targetAcc": target, "relationType": rtype,
                             "value": value})

    def test_block_and_mute(self):
        a, b, c = self.ne.users(3)
        self.assertEqual(self.lists(a), ([], []))
        self.assertOk(self.relate(a, b, 1, 1))
        self.assertOk(self.relate(a, b, 1, 1))  # idempotent
        self.assertOk(self.relate(a, c, 2, 1))
        self.assertEqual(self.lists(a), ([b], [c]))
        self.assertOk(self.relate(a, c, 1, 1))
        self.assertEqual(self.lists(a), (sorted([b, c]), [c]))
        self.assertOk(self.relate(a, b, 1, 0))
        self.assertOk(self.relate(a, c, 2, 0))
        self.assertOk(self.relate(a, c, 2, 0))  # removing what is not there succeeds
        self.assertEqual(self.lists(a), ([c], []))
        # Relations are per owner.
        self.assertEqual(self.lists(b), ([], []))
        self.assertEqual(self.lists(c), ([], []))

    def test_target_case_is_normalized(self):
        a, b = self.ne.users(2)
        self.assertOk(self.relate(a.upper(), b.upper(), 1, 1))
        self.assertEqual(self.lists(a), ([b], []))

    def test_errors(self):
        a, b = self.ne.users(2)
        for rtype, value in (("3", "1"), ("0", "1"), ("x", "1"), ("1", "2"), ("1", "-1"),
                             ("2", "true")):
            with self.subTest(relationType=rtype, value=value):
                self.assertCode(self.relate(a, b, rtype, value), 414)
        self.assertCode(self.ne.call("user/setSpecialRelation",
                                     {"accid": a, "targetAcc": b, "relationType": 1}), 414)
        self.assertCode(self.relate(a, unique(), 1, 1), 404)
        self.assertCode(self.relate(unique(), a, 1, 1), 404)
        self.assertCode(self.relate(a, a, 1, 1), 414)
        self.assertCode(self.ne.call("user/listBlackAndMuteList", {"accid": unique()}), 404)
        self.assertCode(self.ne.call("user/listBlackAndMuteList", {}), 414)
        self.assertEqual(self.lists(a), ([], []))


class LimitTests(NeteaseCase):
    """A config file with small per-app limits, and a second app to check isolation."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = LIMITED

    def test_friend_limit_is_419(self):
        hub = self.ne.users(1)[0]
        friends = self.ne.users(4)
        for f in friends[:3]:
            self.assertOk(self.ne.add(hub, f, 1))
        self.assertCode(self.ne.add(hub, friends[3], 1), 419)
        self.assertCode(self.ne.add(friends[3], hub, 1), 419)  # the peer's side is full too
        self.assertEqual(sorted(self.ne.friend_names(hub)), sorted(friends[:3]))
        self.assertEqual(self.ne.friend_names(friends[3]), [])  # nothing half-written
        # Re-adding an existing friend at the limit is fine.
        self.assertOk(self.ne.add(hub, friends[0], 1))
        # Accepting a request that would go over the limit fails the same way.
        self.assertOk(self.ne.add(friends[3], hub, 2))
        self.assertCode(self.ne.add(hub, friends[3], 3), 419)
        # Freeing a slot lets the pending request be accepted.
        self.assertOk(self.ne.delete(hub, friends[0]))
        self.assertOk(self.ne.add(hub, friends[3], 3))
        self.assertEqual(self.ne.get_friends(hub)["size"], 3)

    def test_block_and_mute_limits_are_419(self):
        owner = self.ne.users(1)[0]
        others = self.ne.users(3)
        for rtype in (1, 2):
            with self.subTest(relationType=rtype):
                for o in others[:2]:
                    self.assertOk(self.ne.call("user/setSpecialRelation",
                                               {"accid": owner, "targetAcc": o,
                                                "relationType": rtype, "value": 1}))
                self.assertCode(self.ne.call("user/setSpecialRelation",
                                             {"accid": owner, "targetAcc": others[2],
                                              "relationType": rtype, "value": 1}), 419)
                # Setting one already set is not a new one.
                self.assertOk(self.ne.call("user/setSpecialRelation",
                                           {"accid": owner, "targetAcc": others[0],
                                            "relationType": rtype, "value": 1}))

    def test_apps_are_isolated(self):
        other = self.client(OTHER)
        a, b = self.ne.users(2)
        self.assertOk(self.ne.add(a, b, 1))
        r = other.call("user/getUinfos", {"accids": json.dumps([a, b])})
        self.assertOk(r)
        self.assertEqual(r["uinfos"], [])
        self.assertCode(other.get_friends(a), 404)
        self.assertCode(other.get_by_accid(a, b), 404)
        self.assertCode(other.add(a, b, 1), 404)
        # The same accid can exist in both apps, independently.
        self.assertOk(other.create_user(a))
        self.assertOk(other.create_user(b))
        self.assertEqual(other.friend_names(a), [])
        self.assertCode(other.delete(a, b), 404)
        self.assertEqual(self.ne.friend_names(a), [b])
        # A valid signature for one app does not open another app's data.
        self.assertCode(self.ne.call("friend/get", {"accid": a, "updatetime": 0},
                                     secret=OTHER[1]), 414)


if __name__ == "__main__":
    unittest.main()
