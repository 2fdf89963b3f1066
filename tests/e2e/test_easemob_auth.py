"""Easemob tokens: the app token (client_credentials), user tokens (password), Bearer checks on
every call, token lifetimes, app isolation, the rate limit, and secrets kept out of the log."""

import base64
import json
import time
import unittest

from easemob_client import (CONFIG_APPS, LIMITED, MAIN, OTHER, PASSWORD, SHORT, THROTTLED,
                            UUID_RE, Easemob, EasemobCase)
from harness import Server, toml_config, unique


def flip(token, i):
    """token with its i-th character replaced by another one of the same alphabet."""
    c = token[i]
    repl = "A" if c != "A" else "B"
    if c.isdigit():
        repl = "1" if c != "1" else "2"
    return token[:i] + repl + token[i + 1:]


class AppTokenTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def test_client_credentials(self):
        r = self.em.app_token_reply()
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("content-type", "").startswith("application/json"))
        self.assertEqual(set(r.json) & {"access_token", "expires_in", "application"},
                         {"access_token", "expires_in", "application"}, r)
        self.assertIsInstance(r["access_token"], str)
        self.assertGreater(len(r["access_token"]), 16)
        self.assertEqual(r["expires_in"], MAIN.ttl)
        self.assertRegex(r["application"], UUID_RE)
        # The app's uuid is the one every envelope shows, and stable.
        self.assertEqual(self.em.app_token_reply()["application"], r["application"])
        j = self.assertOk(self.em.list_users(limit=1))
        self.assertEqual(j["application"], r["application"])
        # The other app has another uuid.
        other = self.client(OTHER).app_token_reply()
        self.assertEqual(other.status, 200, other)
        self.assertNotEqual(other["application"], r["application"])

    def test_token_works_on_every_call(self):
        token = self.em.app_token_reply()["access_token"]
        a, b = self.em.users(2)
        self.assertOk(self.em.get_user(a, token=token))
        self.assertOk(self.em.add_contact(a, b, token=token))
        self.assertOk(self.em.all_contacts(a, token=token))

    def test_ttl(self):
        for ttl, want in ((100, 100), (1, 1), (0, MAIN.ttl), (MAIN.ttl, MAIN.ttl),
                          (MAIN.ttl + 1, MAIN.ttl), (10 ** 12, MAIN.ttl)):
            with self.subTest(ttl=ttl):
                r = self.em.app_token_reply(ttl=ttl)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r["expires_in"], want, r)

    def test_wrong_credentials_are_401(self):
        cases = [dict(client_secret="wrong"), dict(client_id="wrong"),
                 dict(client_secret=MAIN.client_secret + "x"),
                 dict(client_secret=MAIN.client_secret[:-1]),
                 dict(client_id=MAIN.client_id.upper(), client_secret=MAIN.client_secret.upper()),
                 dict(client_id=OTHER.client_id, client_secret=OTHER.client_secret)]
        for kw in cases:
            with self.subTest(**kw):
                r = self.em.app_token_reply(**kw)
                self.assertError(r, 401)
                self.assertNotIn("access_token", r)
        # Empty is missing: 400 or 401, never a token.
        for kw in (dict(client_secret=""), dict(client_id="")):
            with self.subTest(**kw):
                r = self.em.app_token_reply(**kw)
                self.assertIn(r.status, (400, 401), r)
                self.assertError(r, r.status)

    def test_bad_token_requests_are_400(self):
        for body in ({}, {"grant_type": "client_credentials"},
                     {"client_id": MAIN.client_id, "client_secret": MAIN.client_secret},
                     {"grant_type": "authorization_code", "client_id": MAIN.client_id,
                      "client_secret": MAIN.client_secret},
                     {"grant_type": 1, "client_id": MAIN.client_id,
                      "client_secret": MAIN.client_secret},
                     {"grant_type": "client_credentials", "client_id": MAIN.client_id,
                      "client_secret": MAIN.client_secret, "ttl": "abc"},
                     {"grant_type": "password", "username": "x"},
                     [], "x", None):
            with self.subTest(body=body):
                self.assertError(self.em.token_call(json.dumps(body)), 400)

    def test_unknown_org_or_app_is_404(self):
        body = {"grant_type": "client_credentials", "client_id": MAIN.client_id,
                "client_secret": MAIN.client_secret}
        for base in ("/acme/nope", "/nope/chat", "/otherorg/limited", "/acme/chatx"):
            with self.subTest(base=base):
                self.assertError(self.em.token_call(body, base=base), 404,
                                 "organization_application_not_found")

    def test_get_on_token_is_not_a_token(self):
        r = self.em.call("GET", "/token", auth=False)
        self.assertIn(r.status, (400, 401, 404, 405), r)
        self.assertNotIn("access_token", r)


class BearerTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def setUp(self):
        super().setUp()
        self.a, self.b = self.em.users(2)
        self.token = self.em.token()

    def assert401(self, headers):
        r = self.em.raw("GET", self.em.base + "/users/" + self.a,
                        headers=dict({"Accept": "application/json"}, **headers))
        self.assertError(r, 401, "unauthorized")

    def test_missing_or_malformed_authorization_is_401(self):
        t = self.token
        for h in ({}, {"Authorization": ""}, {"Authorization": "Bearer"},
                  {"Authorization": "Bearer "}, {"Authorization": t},
                  {"Authorization": "Basic " + base64.b64encode(b"a:b").decode()},
                  {"Authorization": "Bearer  " + t + "x"}, {"Authorization": "Bearer x"},
                  {"Authorization": "Bearer " + t + " " + t},
                  {"Authorization": "Bearer " + "A" * 4000},
                  {"Authorization": "Token " + t}):
            with self.subTest(headers=h):
                self.assert401(h)

    def test_forged_tokens_are_401(self):
        t = self.token
        forged = {flip(t, i) for i in (0, len(t) // 3, len(t) // 2, len(t) - 2, len(t) - 1)}
        forged |= {t[:-1], t[1:], t + "A", t[: len(t) // 2], t.upper() if t != t.upper()
                   else t.lower(), t[::-1]}
        forged.discard(t)
        for f in sorted(forged):
            with self.subTest(token=f):
                self.assert401({"Authorization": "Bearer " + f})

    def test_every_call_needs_a_token(self):
        a, b = self.a, self.b
        calls = [("POST", "/users", {"username": unique(), "password": "p"}),
                 ("GET", "/users", None), ("GET", "/users/" + a, None),
                 ("PUT", "/users/" + a, {"nickname": "n"}),
                 ("PUT", "/users/%s/password" % a, {"newpassword": "x"}),
                 ("DELETE", "/users/" + a, None),
                 ("POST", "/users/%s/deactivate" % a, None),
                 ("POST", "/users/%s/activate" % a, None),
                 ("POST", "/users/%s/contacts/users/%s" % (a, b), None),
                 ("DELETE", "/users/%s/contacts/users/%s" % (a, b), None),
                 ("PUT", "/user/%s/contacts/users/%s" % (a, b), {"remark": "r"}),
                 ("GET", "/user/%s/contacts" % a, None),
                 ("GET", "/users/%s/contacts/users" % a, None),
                 ("POST", "/users/%s/blocks/users" % a, {"usernames": [b]}),
                 ("GET", "/users/%s/blocks/users" % a, None),
                 ("DELETE", "/users/%s/blocks/users/%s" % (a, b), None)]
        for method, path, body in calls:
            for token in (None, "forged"):
                with self.subTest(method=method, path=path, token=token):
                    kw = {"auth": False} if token is None else {"token": token}
                    self.assertError(self.em.call(method, path, body, **kw), 401,
                                     "unauthorized")
        # Nothing happened.
        self.assertOk(self.em.get_user(a))
        self.assertEqual(self.em.friend_names(a), [])
        self.assertEqual(self.em.blocked_names(a), [])

    def test_a_token_of_another_app_is_401(self):
        other = self.client(OTHER)
        other_token = other.token()
        limited_token = self.client(LIMITED).token()
        for t in (other_token, limited_token):
            with self.subTest(token=t):
                self.assertError(self.em.get_user(self.a, token=t), 401, "unauthorized")
                self.assertError(self.em.list_users(token=t), 401, "unauthorized")
                self.assertError(self.em.add_contact(self.a, self.b, token=t), 401,
                                 "unauthorized")
        # Same the other way round, even for a username that exists in both apps.
        self.assertOk(other.create_user(self.a))
        self.assertError(other.get_user(self.a, token=self.token), 401, "unauthorized")
        self.assertEqual(self.em.friend_names(self.a), [])

    def test_a_token_on_an_unknown_app_is_404_or_401(self):
        r = self.em.call("GET", "/users/" + self.a, base="/acme/nope")
        self.assertIn(r.status, (401, 404), r)
        self.assertError(r, r.status, {"unauthorized", "organization_application_not_found"})

    def test_an_expired_token_is_401(self):
        short = self.client(SHORT)
        r = short.app_token_reply(ttl=1)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r["expires_in"], 1)
        capped = short.app_token_reply(ttl=100)
        self.assertEqual(capped["expires_in"], SHORT.ttl)  # capped to the app's 3 s
        self.assertOk(short.list_users(token=r["access_token"]), creds=SHORT)
        time.sleep(2.2)
        self.assertError(short.list_users(token=r["access_token"]), 401, "unauthorized")
        time.sleep(1.2)
        self.assertError(short.list_users(token=capped["access_token"]), 401, "unauthorized")
        fresh = short.app_token_reply()
        self.assertOk(short.list_users(token=fresh["access_token"]), creds=SHORT)


class UserTokenTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def test_password_grant(self):
        a = self.em.users(1)[0]
        r = self.em.user_token_reply(a)
        self.assertEqual(r.status, 200, r)
        self.assertIsInstance(r["access_token"], str)
        self.assertIsInstance(r["expires_in"], int)
        self.assertGreater(r["expires_in"], 0)
        self.assertLessEqual(r["expires_in"], MAIN.ttl)
        self.assertUserEntity(r["user"], a)
        # Usernames are case-insensitive here too.
        self.assertEqual(self.em.user_token_reply(a.upper()).status, 200)

    def test_wrong_password_or_user_is_refused(self):
        a = self.em.users(1)[0]
        for username, password in ((a, "wrong"), (a, PASSWORD.upper()), (a, ""),
                                   (unique(), PASSWORD)):
            with self.subTest(username=username, password=password):
                r = self.em.user_token_reply(username, password)
                self.assertIn(r.status, (400, 401, 404), r)
                self.assertError(r, r.status)
                self.assertNotIn("access_token", r)

    def test_user_token_scope(self):
        a, b, c = self.em.users(3)
        ta = self.em.user_token(a)
        # Its own contacts and blocks: allowed.
        self.assertOk(self.em.add_contact(a, b, token=ta))
        self.assertOk(self.em.set_remark(a, b, "bee", token=ta))
        self.assertOk(self.em.contacts_page(a, token=ta))
        self.assertEqual(self.assertOk(self.em.all_contacts(a, token=ta))["data"], [b])
        self.assertOk(self.em.block(a, [c], token=ta))
        self.assertOk(self.em.blocks_page(a, token=ta))
        self.assertOk(self.em.unblock(a, c, token=ta))
        self.assertOk(self.em.remove_contact(a, b, token=ta))
        # Under another case of its own name too.
        self.assertOk(self.em.all_contacts(a.upper(), token=ta))
        # Another user's: 403, and nothing changes.
        self.assertOk(self.em.add_contact(b, c))
        for method, path, body in (
                ("POST", "/users/%s/contacts/users/%s" % (b, a), None),
                ("POST", "/users/%s/contacts/users/%s" % (c, a), None),
                ("DELETE", "/users/%s/contacts/users/%s" % (b, c), None),
                ("PUT", "/user/%s/contacts/users/%s" % (b, c), {"remark": "x"}),
                ("GET", "/user/%s/contacts" % b, None),
                ("GET", "/users/%s/contacts/users" % b, None),
                ("POST", "/users/%s/blocks/users" % b, {"usernames": [a]}),
                ("GET", "/users/%s/blocks/users" % b, None),
                ("DELETE", "/users/%s/blocks/users/%s" % (b, a), None)):
            with self.subTest(method=method, path=path):
                self.assertError(self.em.call(method, path, body, token=ta), 403, "forbidden_op")
        # Nor any user-management call, even on itself.
        for method, path, body in (
                ("GET", "/users", None), ("GET", "/users/" + a, None),
                ("GET", "/users/" + b, None),
                ("POST", "/users", {"username": unique(), "password": "p"}),
                ("PUT", "/users/" + a, {"nickname": "n"}),
                ("PUT", "/users/%s/password" % a, {"newpassword": "x"}),
                ("DELETE", "/users/" + b, None), ("DELETE", "/users/" + a, None),
                ("POST", "/users/%s/deactivate" % b, None),
                ("POST", "/users/%s/activate" % a, None)):
            with self.subTest(method=method, path=path):
                self.assertError(self.em.call(method, path, body, token=ta), 403, "forbidden_op")
        self.assertEqual(self.em.friend_names(b), [c])
        self.assertEqual(self.em.blocked_names(b), [])
        self.assertOk(self.em.get_user(a))
        self.assertOk(self.em.get_user(b))

    def test_password_change_and_delete_revoke_user_tokens(self):
        a, b = self.em.users(2)
        ta = self.em.user_token(a)
        self.assertOk(self.em.set_password(a, "new-password"))
        self.assertError(self.em.all_contacts(a, token=ta), 401, "unauthorized")
        self.assertNotEqual(self.em.user_token_reply(a).status, 200)
        tb = self.em.user_token(a, "new-password")
        self.assertOk(self.em.all_contacts(a, token=tb))
        # A deleted user's token dies with it, and does not work for a new user of that name.
        self.assertOk(self.em.delete_user(a))
        self.assertError(self.em.all_contacts(a, token=tb), 401, "unauthorized")
        self.assertOk(self.em.create_user(a, password="new-password"))
        self.assertError(self.em.all_contacts(a, token=tb), 401, "unauthorized")
        self.assertOk(self.em.all_contacts(a, token=self.em.user_token(a, "new-password")))
        # The app token is not revoked by any of it.
        self.assertOk(self.em.all_contacts(b))

    def test_deactivated_user_token_and_login(self):
        a = self.em.users(1)[0]
        ta = self.em.user_token(a)
        self.assertOk(self.em.deactivate(a))
        self.assertError(self.em.all_contacts(a, token=ta), 401, "unauthorized")
        r = self.em.user_token_reply(a)
        self.assertError(r, 403, "forbidden_op")
        self.assertNotIn("access_token", r)
        self.assertOk(self.em.activate(a))
        self.assertOk(self.em.all_contacts(a, token=ta))

    def test_failed_logins_are_throttled_per_user(self):
        a, b = self.em.users(2)
        for _ in range(5):
            self.assertError(self.em.user_token_reply(a, "wrong"), 401, "unauthorized")
        r = self.em.user_token_reply(a)  # the right password, but too soon
        self.assertError(r, 429)
        self.assertNotIn("access_token", r)
        self.assertEqual(self.em.user_token_reply(a.upper()).status, 429)
        # Other users, and the app, are not affected.
        self.assertEqual(self.em.user_token_reply(b).status, 200)
        self.assertOk(self.em.get_user(a))

    def test_a_user_token_is_not_an_app_token_of_another_app(self):
        a = self.em.users(1)[0]
        ta = self.em.user_token(a)
        other = self.client(OTHER)
        self.assertOk(other.create_user(a))
        self.assertError(other.all_contacts(a, token=ta), 401, "unauthorized")


class RateLimitTests(EasemobCase):
    """An app with rate_limit_per_second = 5: over it, HTTP 429; other apps are not affected."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = MAIN

    def test_over_the_limit_is_429(self):
        throttled = self.client(THROTTLED)
        token = throttled.token()
        throttled.raw("GET", "/healthz")  # connected first: the burst is only requests
        deadline = time.monotonic() + 10
        statuses = []
        while time.monotonic() < deadline:
            time.sleep(1.0 - (time.time() % 1.0) + 0.01)
            started = int(time.time())
            replies = [throttled.get_user("nobody", token=token) for _ in range(8)]
            if int(time.time()) == started:
                break
        else:
            self.skipTest("the machine is too slow: eight calls did not fit in one second")
        statuses = [r.status for r in replies]
        self.assertEqual(statuses[:5], [404] * 5, replies)
        self.assertEqual(statuses[5:], [429] * 3, replies)
        self.assertError(replies[5], 429)
        # Other apps are not affected.
        self.assertOk(self.em.list_users(limit=1))
        # The limit is per second: later calls are served again (within the block the dialect
        # chooses; Easemob documents no block beyond the second).
        deadline = time.monotonic() + 15
        while True:
            time.sleep(1.0)
            r = throttled.get_user("nobody", token=token)
            if r.status != 429:
                break
            self.assertLess(time.monotonic(), deadline, "still 429 after 15 s")
        self.assertError(r, 404, "service_resource_not_found")


    def test_requests_without_a_valid_token_do_not_spend_the_limit(self):
        throttled = self.client(THROTTLED)
        token = throttled.token()
        for _ in range(20):
            self.assertError(throttled.get_user("nobody", token="forged"), 401)
        # Had the refused calls counted, the app would be blocked now.
        self.assertError(throttled.get_user("nobody", token=token), 404,
                         "service_resource_not_found")


class SecretsNotLoggedTests(unittest.TestCase):
    """The most verbose log never holds a token, a client_secret or a password."""

    def test_log_has_no_secrets(self):
        config = toml_config(CONFIG_APPS, log_level="trace")
        server = Server(config_text=config)
        try:
            try:
                server.start()
            except AssertionError as e:
                if "easemob'" in str(e):
                    self.skipTest("this friendgraph binary has no Easemob dialect")
                raise
            em = Easemob(server, MAIN)
            secret_password = "S3cretPassw0rd-%s" % unique()
            a, b = em.users(2)
            self.assertEqual(em.create_user(unique(), password=secret_password).status, 200)
            app_token = em.token()
            user_token = em.user_token(a)
            ttl_token = em.app_token_reply(ttl=10)["access_token"]
            em.add_contact(a, b)
            em.all_contacts(a, token=user_token)
            em.set_password(a, secret_password + "-new")
            em.user_token_reply(a, secret_password + "-wrong")
            em.all_contacts(a, token=user_token)  # revoked: 401
            em.app_token_reply(client_secret=MAIN.client_secret + "-wrong")
            em.get_user(a, token=app_token[:-2])
            em.raw("GET", em.base + "/users/" + a, headers={"Authorization": "Bearer " + app_token,
                                                           "X-Debug": "1"})
            em.close()
            self.assertEqual(server.stop(), 0)
            with open(server._log_path, "rb") as f:
                log = f.read().decode("utf-8", "replace")
            secrets_ = {"app token": app_token, "user token": user_token, "ttl token": ttl_token,
                        "client_secret": MAIN.client_secret, "password": secret_password,
                        "other client_secret": OTHER.client_secret}
            # Also no long prefix of a token (a log that truncates it still leaks it).
            for name, value in list(secrets_.items()):
                if "token" in name:
                    secrets_[name + " prefix"] = value[:24]
            for name, value in secrets_.items():
                with self.subTest(secret=name):
                    self.assertNotIn(value, log, "the server log holds the %s" % name)
                    self.assertNotIn(value, "".join(server.stdout_lines),
                                     "stdout holds the %s" % name)
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
