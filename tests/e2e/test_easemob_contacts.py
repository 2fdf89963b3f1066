"""Easemob contacts: add (both sides), remove (both sides), remark, the paged list and the whole
list, with limits and every error."""

import threading
import unittest

from easemob_client import CONFIG_APPS, LIMITED, MAIN, NETEASE, Easemob, EasemobCase
from harness import toml_config, unique
from netease_client import NetEase


class AddRemoveTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def test_add_makes_both_sides_friends(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.set_nickname(b, "Bee"))
        r = self.em.add_contact(a, b)
        self.assertOneUser(r, b, nickname="Bee")
        self.assertEqual(self.em.friend_names(a), [b])
        self.assertEqual(self.em.friend_names(b), [a])

    def test_add_again_is_200(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOneUser(self.em.add_contact(a, b), b)
        self.assertOneUser(self.em.add_contact(b, a), a)
        self.assertEqual(self.em.friend_names(a), [b])
        self.assertEqual(self.em.friend_names(b), [a])

    def test_names_are_case_insensitive(self):
        a, b = self.em.users(2)
        self.assertOneUser(self.em.add_contact(a.upper(), b.upper()), b)
        self.assertEqual(self.em.friend_names(a.upper()), [b])
        self.assertOneUser(self.em.remove_contact(b.upper(), a.upper()), a)
        self.assertEqual(self.em.friend_names(a), [])

    def test_unknown_users_are_404(self):
        a = self.em.users(1)[0]
        for owner, friend in ((a, unique()), (unique(), a), (unique(), unique())):
            with self.subTest(owner=owner, friend=friend):
                self.assertError(self.em.add_contact(owner, friend), 404,
                                 "service_resource_not_found")
                self.assertError(self.em.remove_contact(owner, friend), 404,
                                 "service_resource_not_found")
        self.assertEqual(self.em.friend_names(a), [])

    def test_self_is_400(self):
        a = self.em.users(1)[0]
        self.assertError(self.em.add_contact(a, a), 400, "illegal_argument")
        self.assertError(self.em.add_contact(a, a.upper()), 400, "illegal_argument")
        self.assertEqual(self.em.friend_names(a), [])

    def test_friend_blocked_owner_is_403(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.block(b, [a]))
        self.assertError(self.em.add_contact(a, b), 403, "forbidden_op")
        self.assertEqual(self.em.friend_names(a), [])
        self.assertEqual(self.em.friend_names(b), [])
        self.assertOk(self.em.unblock(b, a))
        self.assertOk(self.em.add_contact(a, b))
        self.assertEqual(self.em.friend_names(b), [a])

    def test_remove_is_both_sides(self):
        a, b, c = self.em.users(3)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.add_contact(a, c))
        self.assertOneUser(self.em.remove_contact(b, a), a)
        self.assertEqual(self.em.friend_names(a), [c])
        self.assertEqual(self.em.friend_names(b), [])
        self.assertEqual(self.em.friend_names(c), [a])
        # Not friends any more, either way.
        self.assertError(self.em.remove_contact(a, b), 404)
        self.assertError(self.em.remove_contact(b, a), 404)
        # Never friends.
        self.assertError(self.em.remove_contact(b, c), 404)
        # Adding again works.
        self.assertOk(self.em.add_contact(b, a))
        self.assertEqual(self.em.friend_names(a), sorted([b, c]))

    def test_disabled_users_cannot_be_added(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.deactivate(b))
        for owner, friend in ((a, b), (b, a)):
            r = self.em.add_contact(owner, friend)
            self.assertIn(r.status, (400, 403), r)
            self.assertError(r, r.status)
        self.assertEqual(self.em.friend_names(a), [])
        self.assertEqual(self.em.friend_names(b), [])


class LimitTests(EasemobCase):
    """The "limited" app: max_friends 3."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = LIMITED

    def test_over_max_friends_is_403(self):
        hub = self.em.users(1)[0]
        friends = self.em.users(4)
        for f in friends[:3]:
            self.assertOk(self.em.add_contact(hub, f))
        r = self.em.add_contact(hub, friends[3])
        self.assertError(r, 403, {"forbidden_op", "reach_limit"})
        # The peer's side is full too.
        self.assertError(self.em.add_contact(friends[3], hub), 403, {"forbidden_op",
                                                                      "reach_limit"})
        self.assertEqual(self.em.friend_names(hub), sorted(friends[:3]))
        self.assertEqual(self.em.friend_names(friends[3]), [])  # nothing half-written
        # Re-adding a friend at the limit is fine.
        self.assertOk(self.em.add_contact(hub, friends[0]))
        # Freeing a slot lets the fourth in.
        self.assertOk(self.em.remove_contact(hub, friends[0]))
        self.assertOk(self.em.add_contact(friends[3], hub))
        self.assertEqual(self.em.friend_names(hub), sorted(friends[1:]))


class LimitRaceTests(EasemobCase):
    """Adds racing for the last slot under max_friends 3: exactly one wins."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = LIMITED

    def test_racing_adds_for_the_last_slot(self):
        hub = self.em.users(1)[0]
        friends = self.em.users(8)
        self.assertOk(self.em.add_contact(hub, friends[0]))
        self.assertOk(self.em.add_contact(hub, friends[1]))
        token = self.em.token()
        barrier = threading.Barrier(6)
        statuses = [None] * 6

        def run(i):
            c = Easemob(self.server, LIMITED, token=token)
            try:
                c.raw("GET", "/healthz")
                barrier.wait(timeout=30)
                statuses[i] = c.add_contact(friends[2 + i], hub).status
            finally:
                c.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(sorted(statuses), [200] + [403] * 5, statuses)
        names = self.em.friend_names(hub)
        self.assertEqual(len(names), 3, names)
        winner = friends[2 + statuses.index(200)]
        self.assertIn(winner, names)
        for f in friends[2:]:
            self.assertEqual(self.em.friend_names(f), [hub] if f == winner else [])


class RemarkTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def remarks(self, owner):
        return {c["username"]: c["remark"] for c in self.em.walk_contacts(owner, need_remark=True)}

    def test_set_and_clear(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.add_contact(a, b))
        r = self.em.set_remark(a, b, "同事")
        j = self.assertOk(r)
        self.assertEqual(j.get("status"), "ok", r)
        self.assertEqual(self.remarks(a), {b: "同事"})
        self.assertEqual(self.remarks(b), {a: None})  # the other side's is its own
        # Without needReturnRemark (or with false), remark is null.
        self.assertEqual(self.em.walk_contacts(a), [{"remark": None, "username": b}])
        self.assertEqual(self.em.walk_contacts(a, need_remark=False),
                         [{"remark": None, "username": b}])
        self.assertOk(self.em.set_remark(a, b, "r" * 100))
        self.assertEqual(self.remarks(a), {b: "r" * 100})
        self.assertOk(self.em.set_remark(a, b, ""))
        self.assertIn(self.remarks(a)[b], (None, ""))

    def test_lengths_and_types(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.set_remark(a, b, "名" * 100))
        self.assertError(self.em.set_remark(a, b, "名" * 101), 400, "illegal_argument")
        self.assertError(self.em.set_remark(a, b, "😀" * 101), 400, "illegal_argument")
        for body in ({}, {"remark": 5}, {"remark": None}, {"remark": ["x"]}, [], "\"x\""):
            with self.subTest(body=body):
                self.assertError(self.em.call("PUT", "/user/%s/contacts/users/%s" % (a, b), body),
                                 400, "illegal_argument")
        self.assertEqual(self.remarks(a), {b: "名" * 100})

    def test_not_friends_or_unknown(self):
        a, b = self.em.users(2)
        r = self.em.set_remark(a, b, "x")
        self.assertIn(r.status, (400, 404), r)
        self.assertError(r, r.status)
        self.assertError(self.em.set_remark(a, unique(), "x"), 404, "service_resource_not_found")
        self.assertError(self.em.set_remark(unique(), a, "x"), 404, "service_resource_not_found")
        # Removed friends cannot get a remark either.
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.remove_contact(a, b))
        self.assertIn(self.em.set_remark(a, b, "x").status, (400, 404))

    def test_text_round_trips(self):
        a, b = self.em.users(2)
        self.assertOk(self.em.add_contact(a, b))
        for remark in ('q"b\\c\n\t\x01', "\u2028", "😀" * 100, "<b>&amp;"):
            with self.subTest(remark=remark):
                self.assertOk(self.em.set_remark(a, b, remark))
                self.assertEqual(self.remarks(a), {b: remark})


class ListTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def setUp(self):
        super().setUp()
        self.ne = self.keep(NetEase(self.server, *NETEASE["main"]))

    def star(self, n, prefix="c"):
        """A hub with n friends, seeded through NetEase (same app): (hub, friends)."""
        hub = self.ne.users(1, prefix=prefix)[0]
        friends = self.ne.users(n, prefix=prefix)
        for f in friends:
            r = self.ne.add(hub, f, 1)
            self.assertEqual(r.code, 200, r)
        return hub, friends

    def test_all_contacts(self):
        hub, friends = self.star(12)
        r = self.em.all_contacts(hub)
        j = self.assertOk(r)
        self.assertEqual(sorted(j["data"]), sorted(friends))
        self.assertEqual(j["count"], 12)
        empty = self.em.users(1)[0]
        j = self.assertOk(self.em.all_contacts(empty))
        self.assertEqual((j["data"], j["count"]), ([], 0))
        self.assertError(self.em.all_contacts(unique()), 404, "service_resource_not_found")

    def test_pages(self):
        hub, friends = self.star(23)
        # Default limit 10.
        r = self.em.contacts_page(hub)
        j = self.assertOk(r)
        self.assertEqual(j["count"], 10, r)
        self.assertEqual(len(j["data"]["contacts"]), 10)
        self.assertTrue(j.get("cursor"), r)
        for c in j["data"]["contacts"]:
            self.assertEqual(set(c), {"remark", "username"}, c)
            self.assertIsNone(c["remark"])
        for limit in (1, 5, 7, 22, 23, 50):
            with self.subTest(limit=limit):
                seen, cursor, pages = [], None, 0
                while True:
                    j = self.assertOk(self.em.contacts_page(hub, limit, cursor))
                    page = [c["username"] for c in j["data"]["contacts"]]
                    self.assertEqual(j["count"], len(page))
                    pages += 1
                    cursor = j.get("cursor")
                    seen += page
                    if not cursor:
                        break
                    self.assertEqual(len(page), limit)
                self.assertEqual(sorted(seen), sorted(friends))
                self.assertEqual(pages, -(-23 // limit), "the last page has no cursor")

    def test_exactly_limit_friends_is_one_page(self):
        hub, friends = self.star(5)
        j = self.assertOk(self.em.contacts_page(hub, 5))
        self.assertEqual(j["count"], 5)
        self.assertNotIn("cursor", j, "a cursor on the last page")

    def test_empty_list(self):
        a = self.em.users(1)[0]
        j = self.assertOk(self.em.contacts_page(a, 10))
        self.assertEqual(j["count"], 0)
        self.assertEqual(j["data"]["contacts"], [])
        self.assertNotIn("cursor", j)

    def test_walk_while_the_list_changes(self):
        hub, friends = self.star(30, prefix="cw")
        extra = self.ne.users(20, prefix="cx")
        removed, added = [], []
        order = list(friends)

        def between(i):
            # After each page: one friend removed (from the end of the original order, likely
            # not seen yet), one from the start (likely seen), and two new friends.
            for f in (order.pop(), order.pop(0)):
                self.assertOk(self.em.remove_contact(hub, f))
                removed.append(f)
            for f in (extra.pop(), extra.pop()):
                self.assertOk(self.em.add_contact(hub, f))
                added.append(f)

        walked = [c["username"] for c in self.em.walk_contacts(hub, 4, between=between)]
        self.assertEqual(len(walked), len(set(walked)), "repeated: %s" % walked)
        stayed = set(friends) - set(removed)
        self.assertLessEqual(stayed, set(walked), "skipped friends that stayed")
        self.assertLessEqual(set(walked), set(friends) | set(added))
        self.assertEqual(sorted(self.em.friend_names(hub)), sorted(stayed | set(added)))

    def test_walk_when_the_cursor_item_is_removed(self):
        # Keyset paging: the last item of a page (the cursor's key) removed before the next page.
        hub, friends = self.star(20, prefix="ck")
        seen, cursor, removed = [], None, []
        while True:
            j = self.assertOk(self.em.contacts_page(hub, 3, cursor))
            page = [c["username"] for c in j["data"]["contacts"]]
            seen += page
            cursor = j.get("cursor")
            if not cursor:
                break
            self.assertOk(self.em.remove_contact(hub, page[-1]))
            removed.append(page[-1])
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(sorted(seen), sorted(friends))
        self.assertEqual(self.em.friend_names(hub), sorted(set(friends) - set(removed)))

    def test_need_return_remark_values(self):
        hub, friends = self.star(1)
        self.assertOk(self.em.set_remark(hub, friends[0], "r"))
        for v, want in (("true", "r"), ("TRUE", "r"), ("false", None), ("False", None)):
            with self.subTest(needReturnRemark=v):
                j = self.assertOk(self.em.contacts_page(hub, need_remark=v))
                self.assertEqual(j["data"]["contacts"], [{"remark": want,
                                                          "username": friends[0]}])
        for v in ("yes", "1", "", "tru"):
            with self.subTest(needReturnRemark=v):
                self.assertError(self.em.contacts_page(hub, need_remark=v), 400,
                                 "illegal_argument")

    def test_limit_errors(self):
        hub, _ = self.star(3)
        for limit in ("0", "51", "-1", "abc", "", "1.5", "10x", "99999999999999999999"):
            with self.subTest(limit=limit):
                self.assertError(self.em.contacts_page(hub, limit), 400, "illegal_argument")

    def test_cursor_errors(self):
        hub, _ = self.star(3)
        other, _ = self.star(3)
        for cursor in ("garbage", "!!!", "AAAA", "x" * 3000, "%00"):
            with self.subTest(cursor=cursor):
                self.assertError(self.em.contacts_page(hub, 1, cursor), 400, "illegal_argument")
        # A cursor of another list (the blocklist) is refused, not misread.
        b1, b2 = self.ne.users(2)
        self.assertOk(self.em.block(hub, [b1]))
        self.assertOk(self.em.block(hub, [b2]))
        blocks = self.assertOk(self.em.blocks_page(hub, 1))
        self.assertTrue(blocks.get("cursor"))
        self.assertError(self.em.contacts_page(hub, 1, blocks["cursor"]), 400,
                         "illegal_argument")
        # Another user's cursor: refused, or a walk of this user's list; never the other's.
        c = self.assertOk(self.em.contacts_page(other, 1)).get("cursor")
        r = self.em.contacts_page(hub, 1, c)
        if r.status == 200:
            self.assertLessEqual({x["username"] for x in r["data"]["contacts"]},
                                 set(self.em.friend_names(hub)))
        else:
            self.assertError(r, 400, "illegal_argument")

    def test_unknown_user_is_404(self):
        self.assertError(self.em.contacts_page(unique()), 404, "service_resource_not_found")


if __name__ == "__main__":
    unittest.main()
