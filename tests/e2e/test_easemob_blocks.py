"""Easemob blocklists: block (a batch), the paged blocklist (newest first), unblock; limits and
errors; a block keeps the friendship and stops the blocked user's requests."""

import threading
import unittest

from easemob_client import CONFIG_APPS, LIMITED, MAIN, NETEASE, Easemob, EasemobCase
from harness import toml_config, unique
from netease_client import NetEase


class BlockTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def setUp(self):
        super().setUp()
        self.ne = self.keep(NetEase(self.server, *NETEASE["main"]))

    def test_block_list_unblock(self):
        a, b, c, d = self.em.users(4)
        r = self.em.block(a, [b])
        j = self.assertOk(r)
        self.assertEqual(j["data"], [b], r)
        self.assertEqual(self.assertOk(self.em.block(a, [c, d]))["data"], [c, d])
        r = self.em.blocks_page(a)
        j = self.assertOk(r)
        self.assertEqual(set(j["data"][:2]), {c, d})  # blocked in one call: either order
        self.assertEqual(j["data"][2], b, "newest first")
        self.assertEqual(j["count"], 3)
        self.assertOneUser(self.em.unblock(a, c), c)
        self.assertEqual(self.em.blocked_names(a), [d, b])
        # Blocklists are per owner.
        self.assertEqual(self.em.blocked_names(b), [])

    def test_newest_first(self):
        a = self.em.users(1)[0]
        others = self.em.users(5)
        for o in others:
            self.assertOk(self.em.block(a, [o]))
        self.assertEqual(self.em.blocked_names(a), others[::-1])
        # Blocking again does not make it newer, nor a duplicate.
        self.assertEqual(self.assertOk(self.em.block(a, [others[0]]))["data"], [others[0]])
        names = self.em.blocked_names(a)
        self.assertEqual(sorted(names), sorted(others))
        self.assertEqual(len(names), 5)

    def test_names_are_case_insensitive(self):
        a, b = self.em.users(2)
        self.assertEqual(self.assertOk(self.em.block(a.upper(), [b.upper()]))["data"], [b])
        self.assertEqual(self.em.blocked_names(a), [b])
        self.assertOk(self.em.unblock(a.upper(), b.upper()))
        self.assertEqual(self.em.blocked_names(a), [])

    def test_block_keeps_friendship_and_stops_requests(self):
        a, b, c = self.em.users(3)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.block(a, [b, c]))
        self.assertEqual(self.em.friend_names(a), [b])
        self.assertEqual(self.em.friend_names(b), [a])
        # c cannot add a (Easemob), nor ask a through NetEase (type 1 or 2).
        self.assertError(self.em.add_contact(c, a), 403, "forbidden_op")
        self.assertEqual(self.ne.add(c, a, 1).code, 403)
        self.assertEqual(self.ne.add(c, a, 2).code, 403)
        # a may still remove b, and unblocking c lets c in.
        self.assertOk(self.em.unblock(a, c))
        self.assertOk(self.em.add_contact(c, a))
        self.assertEqual(self.em.friend_names(a), sorted([b, c]))

    def test_blocklist_is_netease_blacklist(self):
        a, b, c = self.ne.users(3, prefix="bn")
        self.assertOk(self.em.block(a, [b]))
        r = self.ne.call("user/listBlackAndMuteList", {"accid": a})
        self.assertEqual(r["blacklist"], [b])
        r = self.ne.call("user/setSpecialRelation", {"accid": a, "targetAcc": c,
                                                    "relationType": 1, "value": 1})
        self.assertEqual(r.code, 200, r)
        self.assertEqual(sorted(self.em.blocked_names(a)), sorted([b, c]))
        # Mutes are not blocks.
        d = self.ne.users(1)[0]
        self.ne.call("user/setSpecialRelation", {"accid": a, "targetAcc": d,
                                                 "relationType": 2, "value": 1})
        self.assertNotIn(d, self.em.blocked_names(a))

    def test_unblock_not_blocked(self):
        a, b = self.em.users(2)
        r = self.em.unblock(a, b)
        self.assertIn(r.status, (200, 404), r)
        if r.status != 200:
            self.assertError(r, 404)
        self.assertEqual(self.em.blocked_names(a), [])

    def test_errors(self):
        a, b = self.em.users(2)
        self.assertError(self.em.block(unique(), [a]), 404, "service_resource_not_found")
        self.assertError(self.em.blocks_page(unique()), 404, "service_resource_not_found")
        self.assertError(self.em.unblock(unique(), a), 404, "service_resource_not_found")
        self.assertError(self.em.unblock(a, unique()), 404, "service_resource_not_found")
        # A batch with an unknown user, or the owner itself, blocks nobody.
        for names in ([b, unique()], [b, a], [b, ""], [b, "bad name"]):
            with self.subTest(usernames=names):
                r = self.em.block(a, names)
                self.assertIn(r.status, (400, 403, 404), r)
                self.assertError(r, r.status)
                self.assertEqual(self.em.blocked_names(a), [])
        for body in ({}, {"usernames": b}, {"usernames": [1]}, {"usernames": None},
                     {"usernames": [[b]]}, {"users": [b]}, [b], "\"x\""):
            with self.subTest(body=body):
                self.assertError(self.em.call("POST", "/users/%s/blocks/users" % a, body), 400,
                                 "illegal_argument")
        self.assertEqual(self.em.blocked_names(a), [])


class PagingTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def setUp(self):
        super().setUp()
        self.ne = self.keep(NetEase(self.server, *NETEASE["main"]))

    def blocked_owner(self, n, prefix="bp"):
        """An owner who blocked n users one by one (through Easemob): (owner, names oldest
        first). Users come from NetEase: no passwords to hash."""
        owner = self.ne.users(1, prefix=prefix)[0]
        names = self.ne.users(n, prefix=prefix)
        for u in names:
            self.assertOk(self.em.block(owner, [u]))
        return owner, names

    def walk(self, owner, page_size, between=None):
        seen, cursor, pages = [], None, 0
        while True:
            r = self.em.blocks_page(owner, page_size, cursor)
            j = self.assertOk(r)
            self.assertLessEqual(len(j["data"]), page_size, r)
            self.assertEqual(j["count"], len(j["data"]), r)
            seen += j["data"]
            pages += 1
            cursor = j.get("cursor")
            if not cursor:
                return seen, pages
            self.assertLess(pages, 1000)
            if between:
                between(pages - 1)

    def test_pages_newest_first(self):
        owner, names = self.blocked_owner(17)
        for size in (1, 4, 16, 17, 50):
            with self.subTest(pageSize=size):
                seen, pages = self.walk(owner, size)
                self.assertEqual(seen, names[::-1])
                self.assertEqual(pages, -(-17 // size), "the last page has no cursor")
        # pageSize alone: the first page, newest first.
        j = self.assertOk(self.em.blocks_page(owner, 3))
        self.assertEqual(j["data"], names[::-1][:3])
        self.assertTrue(j.get("cursor"))

    def test_without_parameters_the_newest_500(self):
        owner = self.ne.users(1, prefix="b5")[0]
        names = self.ne.users(510, prefix="b5")
        for i in range(0, 510, 50):
            self.assertOk(self.em.block(owner, names[i:i + 50]))
        r = self.em.blocks_page(owner)
        j = self.assertOk(r)
        self.assertEqual(len(j["data"]), 500)
        self.assertEqual(len(set(j["data"])), 500)
        # Batches are ordered among themselves: the oldest batch's first ten are left out.
        self.assertTrue(set(names[:10]).isdisjoint(j["data"]), "not the newest 500")
        self.assertEqual(set(j["data"][:50]), set(names[460:]))

    def test_walk_while_the_list_changes(self):
        owner, names = self.blocked_owner(30, prefix="bw")
        extra = self.ne.users(20, prefix="bx")
        newest_first = names[::-1]
        removed, added = [], []

        def between(i):
            for u in (newest_first.pop(), newest_first.pop(0)):  # likely unseen, likely seen
                self.assertOk(self.em.unblock(owner, u))
                removed.append(u)
            for u in (extra.pop(), extra.pop()):
                self.assertOk(self.em.block(owner, [u]))
                added.append(u)

        seen, _ = self.walk(owner, 4, between)
        self.assertEqual(len(seen), len(set(seen)), "repeated: %s" % seen)
        stayed = [u for u in names[::-1] if u not in removed]
        self.assertEqual([u for u in seen if u in stayed], stayed,
                         "skipped, or out of order, among those that stayed")
        self.assertLessEqual(set(seen), set(names) | set(added))

    def test_walk_when_the_cursor_item_is_unblocked(self):
        owner, names = self.blocked_owner(15, prefix="bk")
        seen, cursor, removed = [], None, []
        while True:
            j = self.assertOk(self.em.blocks_page(owner, 4, cursor))
            seen += j["data"]
            cursor = j.get("cursor")
            if not cursor:
                break
            self.assertOk(self.em.unblock(owner, j["data"][-1]))
            removed.append(j["data"][-1])
        self.assertEqual(seen, names[::-1])
        self.assertEqual(self.em.blocked_names(owner), [u for u in names[::-1]
                                                        if u not in removed])

    def test_page_size_and_cursor_errors(self):
        owner, _ = self.blocked_owner(3)
        for size in ("0", "51", "-1", "abc", "", "2.5"):
            with self.subTest(pageSize=size):
                self.assertError(self.em.blocks_page(owner, size), 400, "illegal_argument")
        for cursor in ("garbage", "!!!", "AAAA", "x" * 3000):
            with self.subTest(cursor=cursor):
                self.assertError(self.em.blocks_page(owner, 2, cursor), 400, "illegal_argument")
        # A cursor of the contacts list is refused.
        f1, f2 = self.ne.users(2)
        self.assertOk(self.em.add_contact(owner, f1))
        self.assertOk(self.em.add_contact(owner, f2))
        c = self.assertOk(self.em.contacts_page(owner, 1)).get("cursor")
        self.assertTrue(c)
        self.assertError(self.em.blocks_page(owner, 1, c), 400, "illegal_argument")


class LimitTests(EasemobCase):
    """The "limited" app: max_blocks 3."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = LIMITED

    def test_over_max_blocks_is_403_and_nothing_added(self):
        owner = self.em.users(1)[0]
        others = self.em.users(5)
        self.assertOk(self.em.block(owner, others[:2]))
        r = self.em.block(owner, others[2:4])  # 4 > 3: none of the two
        self.assertError(r, 403, {"forbidden_op", "reach_limit"})
        self.assertEqual(sorted(self.em.blocked_names(owner)), sorted(others[:2]))
        self.assertOk(self.em.block(owner, [others[2]]))
        # Blocking again someone already blocked is not a new block.
        self.assertOk(self.em.block(owner, [others[0], others[1]]))
        self.assertError(self.em.block(owner, [others[4]]), 403, {"forbidden_op", "reach_limit"})
        self.assertEqual(sorted(self.em.blocked_names(owner)), sorted(others[:3]))
        self.assertOk(self.em.unblock(owner, others[0]))
        self.assertOk(self.em.block(owner, [others[4]]))

    def test_racing_blocks_stay_under_the_limit(self):
        owner = self.em.users(1)[0]
        others = self.em.users(8)
        token = self.em.token()
        barrier = threading.Barrier(4)
        statuses = [None] * 4

        def run(i):
            c = Easemob(self.server, LIMITED, token=token)
            try:
                c.raw("GET", "/healthz")
                barrier.wait(timeout=30)
                statuses[i] = c.block(owner, others[2 * i:2 * i + 2]).status
            finally:
                c.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(sorted(statuses), [200] + [403] * 3, statuses)
        i = statuses.index(200)
        self.assertEqual(sorted(self.em.blocked_names(owner)), sorted(others[2 * i:2 * i + 2]))


if __name__ == "__main__":
    unittest.main()
