"""Bad input to the Easemob dialect: every kind gets a clear 4xx in Easemob's error envelope once
the request reached the dialect (plain 400/413/431 before that), never a crash, a hang or a 500,
and nothing half-written. After each test the server is alive, /healthz answers and a real call
works on a fresh connection."""

import http.client
import json
import threading
import unittest

from easemob_client import CONFIG_APPS, MAIN, OTHER, PASSWORD, Easemob, EasemobCase
from harness import RawReader, read_http_response, toml_config, unique

BAD_REQUEST_NAMES = {"illegal_argument", "json_parse", "invalid_parameter"}


class BadInputTests(EasemobCase):

    CONFIG = toml_config(CONFIG_APPS, log_level="warn", header_timeout_ms=1500,
                         body_timeout_ms=1500)
    CREDS = MAIN

    def setUp(self):
        super().setUp()
        self.a, self.b = self.em.users(2)

    def tearDown(self):
        super().tearDown()
        self.assertAlive()
        fresh = Easemob(self.server, MAIN)
        try:
            self.assertOk(fresh.get_user(self.a))
        finally:
            fresh.close()

    def head(self, method, path, length=None, extra=(), token=None):
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1",
                 "Accept: application/json",
                 "Authorization: Bearer " + (token or self.em.token())]
        if length is not None:
            lines += ["Content-Type: application/json", "Content-Length: %d" % length]
        lines += list(extra)
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def assertBadRequest(self, reply):
        self.assertError(reply, 400, BAD_REQUEST_NAMES)

    # -- bodies ------------------------------------------------------------------------------------

    def test_malformed_json(self):
        bodies = ['{', '{"username":', '{"username":"x",}', "{'username':'x'}", "nul", "[1,]",
                  '{"username":"x" "password":"y"}', '{"a":1}{"b":2}', '\x00',
                  '{"username":"\\x41"}', '{"username":01}', '{"username":"a\nb"}', "", " ",
                  '{"password":NaN}', '{"nickname":"x"', '["a"']
        for path in ("/users", "/users/%s/blocks/users" % self.a, "/users/" + self.a,
                     "/users/%s/password" % self.a, "/token"):
            for body in bodies:
                method = "PUT" if path in ("/users/" + self.a, "/users/%s/password" % self.a) \
                    else "POST"
                with self.subTest(path=path, body=body):
                    r = self.em.call(method, path, body, auth=(path != "/token"))
                    self.assertBadRequest(r)
        self.assertEqual(self.em.blocked_names(self.a), [])
        self.assertEqual(self.em.user_token_reply(self.a).status, 200)  # password unchanged

    def test_invalid_utf8_in_json(self):
        for raw in (b'{"username":"\xff","password":"p"}',
                    b'{"username":"a","password":"p","nickname":"\xc0\xaf"}',
                    b'{"username":"a","password":"p","nickname":"\xed\xa0\x80"}',
                    b'{"username":"a","password":"\xe4\xb8"}'):
            with self.subTest(body=raw):
                self.assertBadRequest(self.em.call("POST", "/users", raw))
        self.assertError(self.em.get_user("a"), 404, "service_resource_not_found")

    def test_wrong_json_types(self):
        a, b = self.a, self.b
        cases = [
            ("POST", "/users", {"username": 123, "password": "p"}),
            ("POST", "/users", {"username": unique(), "password": True}),
            ("POST", "/users", {"username": unique(), "password": 5}),
            ("POST", "/users", {"username": unique(), "password": "p", "nickname": []}),
            ("POST", "/users", {"username": unique(), "password": "p", "nickname": 7}),
            ("POST", "/users", {"username": [unique()], "password": "p"}),
            ("POST", "/users", {"username": None, "password": "p"}),
            ("POST", "/users", [{"username": unique(), "password": "p"}, "x"]),
            ("POST", "/users", [[{"username": unique(), "password": "p"}]]),
            ("POST", "/users", "just a string"),
            ("POST", "/users", 42),
            ("POST", "/users", None),
            ("PUT", "/users/" + a, {"nickname": {"x": 1}}),
            ("PUT", "/users/" + a, []),
            ("PUT", "/users/%s/password" % a, {"newpassword": 123}),
            ("PUT", "/users/%s/password" % a, {"newpassword": None}),
            ("PUT", "/user/%s/contacts/users/%s" % (a, b), {"remark": 1}),
            ("POST", "/users/%s/blocks/users" % a, {"usernames": "x"}),
            ("POST", "/users/%s/blocks/users" % a, {"usernames": [1, 2]}),
            ("POST", "/users/%s/blocks/users" % a, {"usernames": {"0": b}}),
            ("POST", "/token", {"grant_type": ["client_credentials"], "client_id": "x",
                                "client_secret": "y"}),
            ("POST", "/token", {"grant_type": "client_credentials",
                                "client_id": MAIN.client_id, "client_secret": 5}),
            ("POST", "/token", {"grant_type": "client_credentials", "client_id": MAIN.client_id,
                                "client_secret": MAIN.client_secret, "ttl": [1]}),
            ("POST", "/token", {"grant_type": "password", "username": 1, "password": "p"}),
        ]
        self.assertOk(self.em.add_contact(a, b))
        for method, path, body in cases:
            with self.subTest(method=method, path=path, body=body):
                r = self.em.call(method, path, json.dumps(body), auth=(path != "/token"))
                self.assertBadRequest(r)
        # Nothing was written.
        self.assertOneUser(self.em.get_user(a), a)
        self.assertEqual(self.em.blocked_names(a), [])
        self.assertEqual(self.em.walk_contacts(a, need_remark=True),
                         [{"remark": None, "username": b}])
        self.assertEqual(self.em.user_token_reply(a).status, 200)

    def test_65536_deep_nesting(self):
        # An iterative parser stops at its depth cap; a recursive one overflows its stack. Each
        # body fits the dialect's 256 KiB body limit, so it reaches the JSON parser.
        prefix = '{"username":"x","password":"p","nickname":'
        bodies = ("[" * 65536, '{"a":' * 13107, '[{"usernames":' * 4681,
                  prefix + "[" * (65536 - len(prefix)), "[" * 65535 + "]" * 1)
        for body in bodies:
            self.assertLessEqual(len(body), 65536)
            for path in ("/users", "/users/%s/blocks/users" % self.a):
                with self.subTest(path=path, body=body[:20]):
                    self.assertBadRequest(self.em.call("POST", path, body))
        with self.subTest(path="/token"):
            self.assertBadRequest(self.em.token_call("[" * 65536))
        # 1 MiB of nesting: over the dialect's limit, under the server's.
        r = self.em.call("POST", "/users", "[" * ((1 << 20) - 16))
        self.assertError(r, 413)

    def test_unknown_fields_are_ignored(self):
        u = unique()
        self.assertOneUser(self.em.call("POST", "/users",
                                        {"username": u, "password": "p", "extra": {"x": [1]}}), u)

    def test_10mb_body_is_413(self):
        size = 10 * 1024 * 1024
        with self.server.connect() as s:
            s.sendall(self.head("POST", self.em.base + "/users", size))

            def pump():
                chunk = b" " * 65536
                try:
                    for _ in range(size // len(chunk)):
                        s.sendall(chunk)
                except OSError:
                    pass  # the server answered and closed: expected

            t = threading.Thread(target=pump, daemon=True)
            t.start()
            resp = read_http_response(s, timeout=10)
            t.join(timeout=10)
        self.assertIsNotNone(resp, "closed without a response")
        self.assertEqual(resp[0], 413, resp)

    def test_10mb_body_with_http_client(self):
        body = json.dumps({"username": unique(), "password": "p",
                           "nickname": "x" * (10 * 1024 * 1024)})
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            try:
                conn.request("POST", self.em.base + "/users", body=body,
                             headers={"Authorization": "Bearer " + self.em.token(),
                                      "Content-Type": "application/json"})
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                self.assertEqual(conn.getresponse().status, 413)
            except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
                pass  # the 413 can be lost to the reset; the server must still be up
        finally:
            conn.close()

    def test_10mb_token_body_is_413(self):
        body = b'{"grant_type":"client_credentials","client_id":"' + b"x" * (10 << 20) + b'"}'
        with self.server.connect() as s:
            s.sendall(("POST %s/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: %d\r\nExpect: 100-continue\r\n\r\n"
                       % (self.em.base, len(body))).encode())
            resp = read_http_response(s)
        self.assertEqual(resp[0], 413, resp)

    # -- paths -------------------------------------------------------------------------------------

    def test_unknown_org_or_app_is_404(self):
        token = self.em.token()
        for base in ("/acme/nope", "/nope/chat", "/otherorgx/chat", "/ACME/nope", "/acme/chat.",
                     "/acme/chat_", "/otherorg/limited"):
            for method, path, body in (("GET", "/users/" + self.a, None),
                                       ("POST", "/users", {"username": unique(),
                                                           "password": "p"}),
                                       ("GET", "/user/%s/contacts" % self.a, None),
                                       ("POST", "/token", {"grant_type": "client_credentials",
                                                           "client_id": MAIN.client_id,
                                                           "client_secret":
                                                               MAIN.client_secret})):
                for auth in (True, False):
                    with self.subTest(base=base, method=method, path=path, auth=auth):
                        r = self.em.call(method, path, body, base=base, token=token, auth=auth)
                        self.assertError(r, 404, "organization_application_not_found")

    def test_unknown_call_under_a_known_app_is_404_in_the_envelope(self):
        # Under the dialect's own prefixes (/token, /users, /user): Easemob's 404 or 405.
        for method, path in (("POST", "/users/%s/nope" % self.a),
                             ("GET", "/users/%s/contacts/users/%s/x" % (self.a, self.b)),
                             ("GET", "/user/%s" % self.a), ("PATCH", "/users/" + self.a),
                             ("GET", "/token/x")):
            with self.subTest(method=method, path=path):
                r = self.em.call(method, path)
                self.assertIn(r.status, (404, 405), r)
                self.assertError(r, r.status)
        # Other Easemob calls friendgraph does not serve: a 404 of some kind, never a 200.
        for method, path in (("GET", "/nope"), ("GET", "/chatgroups"), ("POST", "/messages")):
            with self.subTest(method=method, path=path):
                self.assertEqual(self.em.call(method, path).status, 404)

    def test_tricky_path_segments(self):
        a, b = self.a, self.b
        self.assertOk(self.em.add_contact(a, b))
        tricky = ["a%2Fb", a + "%2F", "%2F" + a, "..", "%2E%2E", ".%2E", "a%00b", "%00",
                  "%FF", "a%C0%AFb", "%ED%A0%80", "%E4%B8", "%zz", "a%", "%25", "%20" + a,
                  a + "%0A", "%E4%B8%AD"]
        for seg in tricky:
            for method, path in (("GET", "/users/" + seg),
                                 ("POST", "/users/%s/contacts/users/%s" % (a, seg)),
                                 ("POST", "/users/%s/contacts/users/%s" % (seg, b)),
                                 ("DELETE", "/users/%s/contacts/users/%s" % (seg, b)),
                                 ("GET", "/user/%s/contacts" % seg),
                                 ("DELETE", "/users/%s/blocks/users/%s" % (a, seg)),
                                 ("DELETE", "/users/" + seg)):
                with self.subTest(method=method, path=path):
                    r = self.em.call(method, path)
                    self.assertIn(r.status, (400, 404), r)
                    self.assertError(r, r.status)
        # The same tricks in the org and app segments: 400 (checked first) or 404.
        for base in ("/acme/chat%2F", "/acme%2Fchat/x", "/acme/%2E%2E", "/%00/chat", "/acme/%FF",
                     "/acme/..", "/../chat"):
            with self.subTest(base=base):
                r = self.em.call("GET", "/users/" + a, base=base)
                self.assertIn(r.status, (400, 404), r)
                if not base.startswith("/.."):  # a path that leaves the root may not be Easemob's
                    self.assertError(r, r.status)
        # Nothing changed, and traversal reached no other resource.
        self.assertEqual(self.em.friend_names(a), [b])
        self.assertOk(self.em.get_user(a))
        r = self.em.call("GET", "/users/../users/" + a)
        self.assertNotEqual(r.status, 200, r)
        r = self.em.call("DELETE", "/users/%s/contacts/users/../../../users/%s" % (a, b))
        self.assertNotEqual(r.status, 200, r)
        self.assertOk(self.em.get_user(b))
        self.assertEqual(self.em.friend_names(a), [b])

    def test_raw_bytes_in_the_target(self):
        # Bytes that are not allowed in a request target: the HTTP layer's plain 400.
        for target in (b"/users/a\x00b", b"/users/\xff\xfe", b"/users/a b", b"/users/\x7f"):
            with self.subTest(target=target):
                req = (b"GET " + self.em.base.encode() + target + b" HTTP/1.1\r\nHost: x\r\n"
                       b"Authorization: Bearer " + self.em.token().encode() + b"\r\n\r\n")
                with self.server.connect() as s:
                    s.sendall(req)
                    resp = read_http_response(s)
                self.assertIsNotNone(resp)
                self.assertIn(resp[0], (400, 404), resp)

    def test_empty_usernames(self):
        a, b = self.a, self.b
        for method, path in (("POST", "/users//contacts/users/" + b),
                             ("DELETE", "/users//contacts/users/" + b),
                             ("PUT", "/user//contacts/users/" + b),
                             ("GET", "/user//contacts"),
                             ("GET", "/users//contacts/users"),
                             ("POST", "/users//blocks/users"),
                             ("GET", "/users//blocks/users"),
                             ("DELETE", "/users//blocks/users/" + b),
                             ("POST", "/users//deactivate"),
                             ("PUT", "/users//password")):
            with self.subTest(method=method, path=path):
                body = {"remark": "x", "usernames": [b], "newpassword": "x"} \
                    if method in ("POST", "PUT") else None
                r = self.em.call(method, path, body)
                self.assertIn(r.status, (400, 404), r)
                self.assertError(r, r.status)
        for body in ({"username": "", "password": "p"}, [{"username": "", "password": "p"}],
                     {"username": " ", "password": "p"}):
            with self.subTest(body=body):
                self.assertBadRequest(self.em.call("POST", "/users", body))
        r = self.em.block(a, [""])
        self.assertIn(r.status, (400, 404), r)
        self.assertError(r, r.status)
        self.assertEqual(self.em.blocked_names(a), [])
        self.assertIn(self.em.user_token_reply("", "p").status, (400, 401))

    def test_trailing_slash_on_every_path(self):
        a, b, c = self.em.users(3)
        em = self.em
        t = "/"
        r = em.call("POST", "/token/", {"grant_type": "client_credentials",
                                        "client_id": MAIN.client_id,
                                        "client_secret": MAIN.client_secret}, auth=False)
        self.assertEqual(r.status, 200, r)
        self.assertIn("access_token", r)
        u = unique()
        self.assertOk(em.call("POST", "/users/", {"username": u, "password": "p"}))
        self.assertOk(em.call("GET", "/users/" + u + t))
        self.assertOk(em.call("GET", "/users/", query={"limit": 2}))
        self.assertOk(em.call("PUT", "/users/%s/" % u, {"nickname": "n"}))
        self.assertOk(em.call("PUT", "/users/%s/password/" % u, {"newpassword": "q"}))
        self.assertOk(em.call("POST", "/users/%s/deactivate/" % u))
        self.assertOk(em.call("POST", "/users/%s/activate/" % u))
        self.assertOk(em.call("POST", "/users/%s/contacts/users/%s/" % (a, b)))
        self.assertOk(em.call("PUT", "/user/%s/contacts/users/%s/" % (a, b), {"remark": "r"}))
        self.assertOk(em.call("GET", "/user/%s/contacts/" % a, query={"limit": 5}))
        self.assertOk(em.call("GET", "/users/%s/contacts/users/" % a))
        self.assertOk(em.call("DELETE", "/users/%s/contacts/users/%s/" % (a, b)))
        self.assertOk(em.call("POST", "/users/%s/blocks/users/" % a, {"usernames": [c]}))
        self.assertOk(em.call("GET", "/users/%s/blocks/users/" % a, query={"pageSize": 5}))
        self.assertOk(em.call("DELETE", "/users/%s/blocks/users/%s/" % (a, c)))
        self.assertOk(em.call("DELETE", "/users/%s/" % u))
        self.assertEqual(em.friend_names(a), [])
        self.assertEqual(em.blocked_names(a), [])

    # -- tokens across apps and users ----------------------------------------------------------------

    def test_token_of_app_a_on_app_b_is_401(self):
        other = self.client(OTHER)
        self.assertOk(other.create_user(self.a), creds=OTHER)
        for token in (other.token(), other.user_token(self.a)):
            with self.subTest(token=token[:10]):
                self.assertError(self.em.get_user(self.a, token=token), 401, "unauthorized")
                self.assertError(self.em.all_contacts(self.a, token=token), 401, "unauthorized")
                self.assertError(self.em.add_contact(self.a, self.b, token=token), 401,
                                 "unauthorized")
        self.assertEqual(self.em.friend_names(self.a), [])

    def test_user_token_on_another_user_is_403(self):
        tb = self.em.user_token(self.b)
        self.assertError(self.em.add_contact(self.a, self.b, token=tb), 403, "forbidden_op")
        self.assertError(self.em.block(self.a, [self.b], token=tb), 403, "forbidden_op")
        self.assertError(self.em.contacts_page(self.a, token=tb), 403, "forbidden_op")
        self.assertEqual(self.em.friend_names(self.a), [])
        self.assertEqual(self.em.blocked_names(self.a), [])

    # -- transport quirks of real clients --------------------------------------------------------------

    def stray_body_exchange(self, method, path):
        """method path with a `{}` after the header and no Content-Length; the first answer."""
        with self.server.connect() as s:
            s.sendall(self.head(method, self.em.base + path, extra=[
                "Content-Type: application/json"]) + b"{}")
            reader = RawReader(s)
            first = reader.response(timeout=10)
        self.assertIsNotNone(first, "no answer before the connection closed")
        return first

    def test_get_with_a_stray_body_is_answered(self):
        status, headers, body = self.stray_body_exchange("GET", "/users/" + self.a)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["entities"][0]["username"], self.a)
        status, _, body = self.stray_body_exchange("GET", "/users/%s/contacts/users" % self.a)
        self.assertEqual(status, 200, body)
        status, _, body = self.stray_body_exchange("GET", "/user/%s/contacts" % self.a)
        self.assertEqual(status, 200, body)

    def test_delete_with_a_stray_body_is_answered(self):
        self.assertOk(self.em.add_contact(self.a, self.b))
        status, _, body = self.stray_body_exchange(
            "DELETE", "/users/%s/contacts/users/%s" % (self.a, self.b))
        self.assertEqual(status, 200, body)
        self.assertEqual(self.em.friend_names(self.a), [])
        self.assertOk(self.em.block(self.a, [self.b]))
        status, _, body = self.stray_body_exchange(
            "DELETE", "/users/%s/blocks/users/%s" % (self.a, self.b))
        self.assertEqual(status, 200, body)
        self.assertEqual(self.em.blocked_names(self.a), [])

    def test_get_with_an_empty_json_body_and_content_length(self):
        with self.server.connect() as s:
            s.sendall(self.head("GET", self.em.base + "/users/" + self.a, length=2) + b"{}")
            status, _, body = read_http_response(s)
        self.assertEqual(status, 200, body)

    def test_pipelined_calls_answered_in_order(self):
        data = (self.head("GET", self.em.base + "/users/" + self.a) +
                self.head("GET", self.em.base + "/users/" + unique()) +
                self.head("GET", self.em.base + "/users/" + self.b))
        with self.server.connect() as s:
            s.sendall(data)
            reader = RawReader(s)
            answers = [reader.response() for _ in range(3)]
        self.assertEqual([a[0] for a in answers], [200, 404, 200])
        self.assertEqual(json.loads(answers[2][2])["entities"][0]["username"], self.b)

    def test_wrong_content_type_or_none(self):
        # Easemob's SDKs always send application/json; a body with another type (or none) is
        # either read as JSON or refused with 400, never half-read.
        u = unique()
        body = json.dumps({"username": u, "password": PASSWORD})
        for ct in ("text/plain", "application/x-www-form-urlencoded", None,
                   "application/json; charset=utf-8", "APPLICATION/JSON"):
            with self.subTest(content_type=ct):
                h = {"Authorization": "Bearer " + self.em.token()}
                if ct:
                    h["Content-Type"] = ct
                r = self.em.raw("POST", self.em.base + "/users", body, h)
                self.assertIn(r.status, (200, 400, 415), r)
                if r.status != 200:
                    self.assertError(r, r.status)
                self.em.delete_user(u)


if __name__ == "__main__":
    unittest.main()
