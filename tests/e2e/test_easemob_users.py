"""Easemob user calls: create (one or a batch), get, list (paged), nickname, password, delete,
deactivate and activate."""

import json
import threading
import unittest

from easemob_client import CONFIG_APPS, MAIN, NETEASE, PASSWORD, Easemob, EasemobCase
from harness import toml_config, unique
from netease_client import NetEase


class CreateTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def test_create_one(self):
        u = unique()
        r = self.em.create_user(u, nickname="Zhang San")
        e = self.assertOneUser(r, u, nickname="Zhang San")
        got = self.assertOneUser(self.em.get_user(u), u, nickname="Zhang San")
        self.assertEqual(got["uuid"], e["uuid"])
        self.assertEqual(got["created"], e["created"])

    def test_create_without_nickname(self):
        u = unique()
        e = self.assertOneUser(self.em.create_user(u), u)
        self.assertIn(e.get("nickname"), (None, ""), e)

    def test_create_batch(self):
        names = [unique() for _ in range(3)]
        r = self.em.create_users([{"username": n, "password": "p%d" % i, "nickname": "n%d" % i}
                                  for i, n in enumerate(names)])
        j = self.assertOk(r)
        self.assertEqual([e["username"] for e in j["entities"]], names)
        for i, e in enumerate(j["entities"]):
            self.assertUserEntity(e, names[i], nickname="n%d" % i)
        self.assertEqual(len({e["uuid"] for e in j["entities"]}), 3)
        for i, n in enumerate(names):
            self.assertEqual(self.em.user_token_reply(n, "p%d" % i).status, 200)

    def test_batch_of_60_and_61(self):
        names = [unique() for _ in range(61)]
        batch = [{"username": n, "password": PASSWORD} for n in names]
        self.assertError(self.em.create_users(batch), 400, "illegal_argument")
        for n in (names[0], names[59], names[60]):
            self.assertError(self.em.get_user(n), 404, "service_resource_not_found")
        j = self.assertOk(self.em.create_users(batch[:60]))
        self.assertEqual(len(j["entities"]), 60)
        self.assertOk(self.em.get_user(names[59]))

    def test_batch_is_all_or_nothing(self):
        existing = self.em.users(1)[0]
        cases = {
            "an existing user": [unique(), existing, unique()],
            "an existing user in another case": [unique(), existing.upper()],
            "the same name twice": [unique()] * 2,
            "the same name twice, in two cases": (lambda n: [n, n.upper()])(unique("Dup")),
            "an invalid name": [unique(), "bad name", unique()],
            "an empty name": [unique(), ""],
        }
        for why, names in cases.items():
            with self.subTest(why):
                r = self.em.create_users([{"username": n, "password": PASSWORD} for n in names])
                if "existing" in why or "twice" in why:
                    self.assertError(r, 400, "duplicate_unique_property_exists")
                else:
                    self.assertError(r, 400, "illegal_argument")
                for n in names:
                    if n and n.lower() != existing and " " not in n:
                        self.assertError(self.em.get_user(n), 404, "service_resource_not_found")
        # An entry missing its password spoils the whole batch too.
        a, b = unique(), unique()
        self.assertError(self.em.create_users([{"username": a, "password": PASSWORD},
                                               {"username": b}]), 400, "illegal_argument")
        self.assertError(self.em.get_user(a), 404, "service_resource_not_found")

    def test_racing_batches_with_a_shared_name(self):
        shared = unique("race")
        batches = [[shared] + [unique() for _ in range(3)] for _ in range(4)]
        token = self.em.token()
        barrier = threading.Barrier(4)
        statuses = [None] * 4

        def run(i):
            c = Easemob(self.server, MAIN, token=token)
            try:
                c.raw("GET", "/healthz")
                barrier.wait(timeout=30)
                statuses[i] = c.create_users([{"username": n, "password": "p"}
                                              for n in batches[i]]).status
            finally:
                c.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(sorted(statuses), [200, 400, 400, 400], statuses)
        for i, batch in enumerate(batches):
            for n in batch[1:]:
                self.assertEqual(self.em.get_user(n).status, 200 if statuses[i] == 200 else 404)

    def test_largest_valid_batch_as_escaped_json(self):
        # 60 users with the longest password (64) and nickname (100) allowed, in characters
        # outside the BMP, sent the way Python's json.dumps and requests' json= send them
        # (ensure_ascii: each one a \\uXXXX\\uXXXX pair): about 122 KiB of valid JSON.
        names = [(unique("m") + "x" * 64)[:64] for _ in range(60)]
        batch = [{"username": n, "password": "😀" * 64, "nickname": "😀" * 100} for n in names]
        body = json.dumps(batch)
        self.assertGreater(len(body), 65536)
        r = self.em.call("POST", "/users", body)
        j = self.assertOk(r)
        self.assertEqual([e["username"] for e in j["entities"]], names)
        self.assertEqual(j["entities"][59]["nickname"], "😀" * 100)

    def test_duplicate_is_400(self):
        u = unique()
        self.assertOk(self.em.create_user(u))
        self.assertError(self.em.create_user(u), 400, "duplicate_unique_property_exists")
        self.assertError(self.em.create_user(u.upper()), 400, "duplicate_unique_property_exists")

    def test_username_rules(self):
        base = unique("l")
        ok64 = (base + "x" * 64)[:64]
        self.assertOneUser(self.em.create_user(ok64), ok64)
        self.assertError(self.em.create_user(ok64[:63] + "yz"), 400, "illegal_argument")
        self.assertOneUser(self.em.create_user("q"), "q")  # one character: only this test
        punct = unique("p") + "_.-x"
        self.assertOneUser(self.em.create_user(punct), punct)
        for bad in ("", "has space", "a@b", "a/b", "a#b", "a+b", "中文", "a\x00b", "a\nb",
                    "quote'", "a:b", "a%b", "é"):
            with self.subTest(username=bad):
                self.assertError(self.em.create_user(bad), 400, "illegal_argument")

    def test_username_is_stored_lower_case(self):
        u = unique("Mixed") + "ABC"
        self.assertNotEqual(u, u.lower())
        self.assertOneUser(self.em.create_user(u), u.lower())
        self.assertOneUser(self.em.get_user(u.upper()), u.lower())
        self.assertOneUser(self.em.get_user(u.lower()), u.lower())

    def test_password_and_nickname_lengths(self):
        self.assertOk(self.em.create_user(unique(), password="p" * 64))
        self.assertOk(self.em.create_user(unique(), password="x"))
        self.assertError(self.em.create_user(unique(), password="p" * 65), 400,
                         "illegal_argument")
        self.assertError(self.em.create_user(unique(), password=""), 400, "illegal_argument")
        u = unique()
        self.assertOneUser(self.em.create_user(u, nickname="名" * 100), u, nickname="名" * 100)
        self.assertError(self.em.create_user(unique(), nickname="名" * 101), 400,
                         "illegal_argument")
        self.assertError(self.em.create_user(unique(), nickname="😀" * 101), 400,
                         "illegal_argument")

    def test_missing_fields_are_400(self):
        for body in ({"password": PASSWORD}, {"username": unique()}, {}, [], [{}]):
            with self.subTest(body=body):
                self.assertError(self.em.call("POST", "/users", body), 400, "illegal_argument")

    def test_text_round_trips(self):
        for nick in ('q"b\\c\n\t\x01', "\u2028x", "😀" * 50, "é", "<script>"):
            with self.subTest(nickname=nick):
                u = unique()
                self.assertOneUser(self.em.create_user(u, nickname=nick), u, nickname=nick)
                self.assertOneUser(self.em.get_user(u), u, nickname=nick)


class ReadAndEditTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def test_get_unknown_is_404(self):
        self.assertError(self.em.get_user(unique()), 404, "service_resource_not_found")

    def test_set_nickname(self):
        u = self.em.users(1)[0]
        before = self.assertOneUser(self.em.get_user(u), u)
        self.assertOk(self.em.set_nickname(u, "李四"))
        after = self.assertOneUser(self.em.get_user(u), u, nickname="李四")
        self.assertEqual(after["uuid"], before["uuid"])
        self.assertEqual(after["created"], before["created"])
        self.assertGreaterEqual(after["modified"], before["modified"])
        self.assertOk(self.em.set_nickname(u, "名" * 100))
        self.assertError(self.em.set_nickname(u, "名" * 101), 400, "illegal_argument")
        self.assertOneUser(self.em.get_user(u), u, nickname="名" * 100)
        self.assertError(self.em.set_nickname(unique(), "x"), 404, "service_resource_not_found")
        self.assertError(self.em.call("PUT", "/users/" + u, {"nickname": 5}), 400,
                         "illegal_argument")

    def test_set_password(self):
        u = self.em.users(1)[0]
        self.assertOk(self.em.set_password(u, "second"))
        self.assertEqual(self.em.user_token_reply(u, "second").status, 200)
        self.assertNotEqual(self.em.user_token_reply(u, PASSWORD).status, 200)
        self.assertError(self.em.set_password(u, ""), 400, "illegal_argument")
        self.assertError(self.em.set_password(u, "p" * 65), 400, "illegal_argument")
        self.assertError(self.em.call("PUT", "/users/%s/password" % u, {"password": "x"}), 400,
                         "illegal_argument")
        self.assertError(self.em.set_password(unique(), "x"), 404, "service_resource_not_found")
        self.assertEqual(self.em.user_token_reply(u, "second").status, 200)

    def test_delete(self):
        a, b, c = self.em.users(3)
        old = self.assertOneUser(self.em.get_user(a), a)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.add_contact(c, a))
        self.assertOk(self.em.block(a, [b]))
        self.assertOk(self.em.block(c, [a]))
        self.assertOneUser(self.em.delete_user(a), a)
        self.assertError(self.em.get_user(a), 404, "service_resource_not_found")
        self.assertError(self.em.delete_user(a), 404, "service_resource_not_found")
        # Gone from its friends' lists and blocklists.
        self.assertEqual(self.em.friend_names(b), [])
        self.assertEqual(self.em.friend_names(c), [])
        self.assertEqual(self.em.walk_contacts(c), [])
        self.assertEqual(self.em.blocked_names(c), [])
        # The name can be registered again: a new user with an empty graph.
        new = self.assertOneUser(self.em.create_user(a), a)
        self.assertNotEqual(new["uuid"], old["uuid"])
        self.assertEqual(self.em.friend_names(a), [])
        self.assertEqual(self.em.blocked_names(a), [])
        self.assertEqual(self.em.friend_names(c), [])
        # b is not blocked by the new a: b can add it.
        self.assertOk(self.em.add_contact(b, a))
        self.assertEqual(self.em.friend_names(a), [b])

    def test_delete_unknown_is_404(self):
        self.assertError(self.em.delete_user(unique()), 404, "service_resource_not_found")

    def test_deactivate_and_activate(self):
        a, b, c = self.em.users(3)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.deactivate(a))
        self.assertOneUser(self.em.get_user(a), a, activated=False)
        self.assertOk(self.em.deactivate(a))  # already: fine
        # Friends stay, no new friendship either way.
        self.assertEqual(self.em.friend_names(a), [b])
        for owner, friend in ((a, c), (c, a)):
            r = self.em.add_contact(owner, friend)
            self.assertIn(r.status, (400, 403), r)
            self.assertError(r, r.status)
        self.assertEqual(self.em.friend_names(c), [])
        # Shown in other users' entities too.
        r = self.em.remove_contact(b, a)
        self.assertOneUser(r, a, activated=False)
        self.assertOk(self.em.activate(a))
        self.assertOneUser(self.em.get_user(a), a, activated=True)
        self.assertOk(self.em.activate(a))
        self.assertOk(self.em.add_contact(c, a))
        self.assertEqual(self.em.friend_names(a), [c])
        for call in (self.em.deactivate, self.em.activate):
            self.assertError(call(unique()), 404, "service_resource_not_found")


class ListTests(EasemobCase):
    """GET /users?limit=&cursor= (DESIGN §2c: keyset paging)."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def walk(self, limit, between=None):
        seen, cursor, pages = [], None, 0
        while True:
            r = self.em.list_users(limit=limit, cursor=cursor)
            j = self.assertOk(r)
            names = [e["username"] for e in j["entities"]]
            self.assertLessEqual(len(names), limit, r)
            if "count" in j:
                self.assertEqual(j["count"], len(names), r)
            seen += names
            pages += 1
            cursor = j.get("cursor")
            if not cursor:
                return seen
            self.assertLess(pages, 1000)
            if between:
                between(pages - 1)

    def test_walk_sees_everyone_once(self):
        mine = set(self.em.users(25, prefix="lw"))
        seen = self.walk(7)
        self.assertEqual(len(seen), len(set(seen)), "repeated users")
        self.assertLessEqual(mine, set(seen))

    def test_walk_while_the_list_changes(self):
        # Users made through NetEase (no password to hash) are the same users.
        ne = self.keep(NetEase(self.server, *NETEASE["main"]))
        stay = ne.users(40, prefix="ls")
        doomed = ne.users(20, prefix="ld")
        added = []
        doomed_iter = iter(doomed)

        def between(i):
            # Each page: two users deleted, two created.
            for _ in range(2):
                u = next(doomed_iter, None)
                if u:
                    self.assertOk(self.em.delete_user(u))
            added.extend(ne.users(2, prefix="la"))

        seen = self.walk(6, between)
        self.assertEqual(len(seen), len(set(seen)), "repeated users")
        self.assertLessEqual(set(stay), set(seen), "skipped users that stayed")
        self.assertLessEqual(set(seen), self.all_users() | set(doomed),
                             "listed a user that never existed")

    def all_users(self):
        return set(self.walk(50))

    def test_walk_when_the_cursor_item_is_deleted(self):
        ne = self.keep(NetEase(self.server, *NETEASE["main"]))
        mine = ne.users(12, prefix="lk")
        seen, cursor, deleted = [], None, []
        while True:
            j = self.assertOk(self.em.list_users(limit=4, cursor=cursor))
            names = [e["username"] for e in j["entities"]]
            seen += names
            cursor = j.get("cursor")
            if not cursor:
                break
            if names[-1] in mine:
                self.assertOk(self.em.delete_user(names[-1]))
                deleted.append(names[-1])
        self.assertEqual(len(seen), len(set(seen)))
        self.assertLessEqual(set(mine), set(seen))
        self.assertTrue(deleted)

    def test_limit_and_cursor_errors(self):
        self.em.users(3)
        for limit in ("0", "-1", "abc", "1.5", ""):
            with self.subTest(limit=limit):
                self.assertError(self.em.list_users(limit=limit), 400, "illegal_argument")
        for cursor in ("garbage", "!!!!", "AAAA", "x" * 2000):
            with self.subTest(cursor=cursor):
                self.assertError(self.em.list_users(limit=2, cursor=cursor), 400,
                                 "illegal_argument")
        j = self.assertOk(self.em.list_users(limit=1))
        self.assertEqual(len(j["entities"]), 1)
        self.assertTrue(j.get("cursor"))
        # A cursor of another list is refused, not misread.
        a, b, c = self.em.users(3)
        self.assertOk(self.em.add_contact(a, b))
        self.assertOk(self.em.add_contact(a, c))
        contacts = self.assertOk(self.em.contacts_page(a, limit=1))
        self.assertTrue(contacts.get("cursor"))
        r = self.em.list_users(limit=1, cursor=contacts["cursor"])
        self.assertError(r, 400, "illegal_argument")


if __name__ == "__main__":
    unittest.main()
