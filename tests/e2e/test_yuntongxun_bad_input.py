"""Hostile and malformed Yuntongxun requests: each gets its clear answer, nothing is half-written,
and the server keeps serving (checked after every test and at the end of the class)."""

import http.client
import json
import socket
import time
import unittest

from harness import RawReader, toml_config, unique
from yuntongxun_client import (JSON_TYPE, SOFT_VERSION, YuntongxunCase, app_table, auth_header,
                               new_app_id, png_bytes, sdk_timestamp, sign)

MAIN = (new_app_id(), new_app_id())
MAX_AVATAR = 8192
CONFIG = toml_config([{"name": "main", "yuntongxun": app_table(*MAIN,
                                                               max_avatar_bytes=MAX_AVATAR)}],
                     log_level="warn", body_timeout_ms=1500)


class BadInputCase(YuntongxunCase):

    CONFIG = CONFIG
    CREDS = MAIN

    def tearDown(self):
        super().tearDown()
        self.assertEqual(self.server.healthz(), (200, b"ok\n"))

    def rejected(self, reply, *codes):
        """An envelope error with one of these statusCodes."""
        self.assertEqual(reply.status, 200, reply)
        self.assertIsInstance(reply.json, dict, reply)
        self.assertIn(reply.code, codes, reply)
        self.assertTrue(reply.json.get("statusMsg"), reply)

    def signed_head(self, op, length, query="", content_type=JSON_TYPE, extra=""):
        ts = sdk_timestamp()
        return ("POST /%s/Application/%s/IM/%s?sig=%s%s HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: %s\r\nAuthorization: %s\r\nContent-Length: %d\r\n%s\r\n") % (
                    SOFT_VERSION, MAIN[0], op, sign(MAIN[0], MAIN[1], ts), query, content_type,
                    auth_header(MAIN[0], ts), length, extra)


class JsonTests(BadInputCase):

    def test_deeply_nested_json(self):
        for depth in [1000, 100000]:
            with self.subTest(depth=depth):
                body = '{"useracc":' + "[" * depth + "]" * depth + "}"
                self.rejected(self.ytx.call("getFriends", None, raw_body=body), "160100", "160102")
                body = '{"useracc":"%s","x":%s}' % (self.acc("n"), '{"a":' * depth + "1" +
                                                    "}" * depth)
                self.rejected(self.ytx.call("getFriends", None, raw_body=body), "160100", "000000")

    def test_invalid_utf8(self):
        a = unique("bu")
        for raw in [b'{"useracc":"%s#a\xff\xfe"}', b'{"useracc":"%s#\xc0\xaf"}',
                    b'{"useracc":"%s#\xed\xa0\x80"}']:
            with self.subTest(raw=raw):
                body = raw.replace(b"%s", MAIN[0].encode())
                self.rejected(self.ytx.call("getFriends", None, raw_body=body), "160100",
                              "160102")
        self.ok("getUserVerify", {"useracc": self.acc(a)})
        body = b'{"useracc":"%s","nickName":"ok\xff"}' % self.acc(a).encode()
        self.rejected(self.ytx.call("setPersonInfo", None, raw_body=body), "160100", "160102")
        self.assertEqual(self.ok("getPersonInfo", {"useracc": self.acc(a),
                                                   "searchContent": self.acc(a)})["nickName"], "")
        # A lone surrogate escaped in JSON is not text either.
        self.rejected(self.ytx.call("setPersonInfo", None, raw_body='{"useracc":"%s",'
                                    '"nickName":"\\ud800"}' % self.acc(a)), "160100", "160102")

    def test_two_mib_body(self):
        body = ('{"useracc":"%s","pad":"%s"}' % (self.acc("big"), "x" * (8 << 20))).encode()
        # Over the server's body limit (1 MiB) the answer comes before the body is read, in the
        # envelope (160014); the server then takes in the rest (more than the sockets hold), so
        # a client that sends it all before reading, as most do, is never reset.
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as s:
            s.sendall(self.signed_head("getFriends", len(body)).encode())
            s.sendall(body)
            got = RawReader(s).response()
        self.assertIsNotNone(got)
        self.assertEqual(got[0], 200, got)
        self.assertEqual(json.loads(got[2])["statusCode"], "160014", got)
        self.ok("getUserVerify", {"useracc": self.acc(unique("after"))})
        # Just under the limit is read, then refused or served like any body.
        body = '{"useracc":"%s","pad":"%s"}' % (self.acc(unique("pad")), "x" * 1000000)
        self.assertOk(self.ytx.call("getFriends", None, raw_body=body))

    def test_wrong_types(self):
        a = self.acc(unique("bt"))
        cases = [
            ("getFriends", {"useracc": a, "size": 7.5}),
            ("getFriends", {"useracc": a, "size": 1e300}),
            ("getFriends", {"useracc": a, "size": 99999999999999999999}),
            ("getFriends", {"useracc": a, "isUpdate": True}),
            ("getFriends", {"useracc": a, "isAllPage": False}),
            ("getFriends", {"useracc": a, "isSimpUseracc": [1]}),
            ("getFriends", {"useracc": {"id": a}}),
            ("getFriends", {"useracc": [a]}),
            ("getFriends", {"useracc": None}),
            ("getFriends", {"useracc": True}),
            ("getFriends", {"useracc": a, "timestamp": 20170708121212}),
            ("addFriend", {"useracc": a, "friendUseracc": {"x": 1}}),
            ("addFriend", {"useracc": a, "friendUseracc": a + "x", "message": 1.5}),
            ("delFriend", {"useracc": a, "friendUseracc": a + "x", "allDel": True}),
            ("setUserVerify", {"useracc": a, "addVerify": False}),
            ("batchGetUserAvatar", {"useraccList": [a, 7.5]}),
            ("batchGetUserAvatar", {"useraccList": {"0": a}}),
            ("batchGetUserAvatar", {"useraccList": [a], "isSimpUseracc": "true"}),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=body):
                self.rejected(self.ytx.call(op, body), "160101", "160102")
        # Integers where the seed says String are read as their decimal text.
        self.ok("getFriends", {"useracc": a, "size": 7, "isUpdate": 0, "isAllPage": 1,
                               "isSimpUseracc": 0})
        self.ok("getUserVerify", {"useracc": 15011097123})

    def test_empty_strings_and_bad_accounts(self):
        a = self.acc(unique("be"))
        for op, body in [("getFriends", {"useracc": ""}),
                         ("addFriend", {"useracc": a, "friendUseracc": ""}),
                         ("getPersonInfo", {"useracc": a, "searchContent": ""}),
                         ("setFriendRemark", {"useracc": a, "friendUseracc": None,
                                              "remarkName": ""})]:
            with self.subTest(op=op, body=body):
                self.rejected(self.ytx.call(op, body), "160101")
        self.rejected(self.ytx.upload_avatar("", "a.png", png_bytes()), "160101")
        for bad in [MAIN[0] + "#", MAIN[0] + "#a b", MAIN[0] + "#a#b", MAIN[0] + "##a",
                    "a b", a + " ", a + "\n", a + "\x00", MAIN[0] + "#中文",
                    MAIN[0] + "#" + "x" * 65, "x" * 200, MAIN[0] + "#a/b", MAIN[0] + "#a%23b"]:
            with self.subTest(useracc=bad):
                self.rejected(self.ytx.call("getUserVerify", {"useracc": bad}), "160102")
        for bad in ["#abc", "%s#abc" % MAIN[0][:-1], MAIN[0].upper() + "x#abc", " " + a]:
            with self.subTest(useracc=bad):
                self.rejected(self.ytx.call("getUserVerify", {"useracc": bad}), "160103")
        self.ok("getUserVerify", {"useracc": MAIN[0] + "#" + ("x" * 50 + unique("L"))[-64:]})
        self.ok("getUserVerify", {"useracc": "a_b@c.d+e-f" + unique("p")})

    def test_huge_arrays(self):
        a = self.acc(unique("bh"))
        self.code("batchGetUserAvatar", {"useraccList": [a] * 101}, "160102")
        self.code("batchGetUserAvatar", {"useraccList": [a] * 10000}, "160102")
        self.code("importFriends", {"friendsList": [{"useracc": a, "friendUseracc": a}] * 5000},
                  "160102")

    def test_odd_json_shapes(self):
        a = self.acc(unique("bj"))
        # Duplicate keys, unknown keys and a BOM-free object with whitespace are all answered.
        r = self.ytx.call("getUserVerify", None, raw_body='{"useracc":"%s","useracc":"%s"}' %
                          (a, a))
        self.assertEqual(r.status, 200)
        self.assertRegex(r.code, r"^\d{6}$")
        self.assertOk(self.ytx.call(
            "getUserVerify", None, raw_body=' \n{ "useracc" : "%s" , "extra": {"x": [1, 2]} }\n'
            % a))


class TransportTests(BadInputCase):

    def test_avatar_content_length_over_the_limit(self):
        head = self.signed_head("uploadAvatar", 10 << 20,
                                query="&useracc=%s&fileName=a.png" % self.acc("cl").replace(
                                    "#", "%23"), content_type="application/octet-stream")
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as s:
            image = png_bytes()
            s.sendall(head.encode() + image + b"\x00" * ((10 << 20) - len(image)))
            got = RawReader(s).response()
        self.assertIsNotNone(got)
        self.assertEqual(got[0], 200, got)
        self.assertEqual(json.loads(got[2])["statusCode"], "160105", got)
        # One app: its limit is the route's, and one byte over is answered in the envelope too.
        r = self.ytx.upload_avatar(self.acc("cl"), "a.png",
                                   png_bytes() + b"\x00" * MAX_AVATAR)
        self.assertCode(r, "160105")
        self.assertOk(self.ytx.upload_avatar(self.acc("cl"), "a.png", png_bytes()))

    def test_bodies_mibs_over_the_limit_through_http_client(self):
        # http.client, like the HTTP libraries under the vendor's SDKs, sends the whole body
        # before it reads. A fresh connection each, never retried: a reset would raise here.
        acc = self.acc(unique("hc"))
        cases = [
            ("getFriends", "", JSON_TYPE,
             ('{"useracc":"%s","pad":"%s"}' % (acc, "x" * (8 << 20))).encode(), "160014"),
            ("uploadAvatar", "&useracc=%s&fileName=a.png" % acc.replace("#", "%23"),
             "application/octet-stream", png_bytes() + b"\x00" * (8 << 20), "160105"),
        ]
        for op, query, content_type, body, code in cases:
            with self.subTest(op=op):
                ts = sdk_timestamp()
                path = "/%s/Application/%s/IM/%s?sig=%s%s" % (
                    SOFT_VERSION, MAIN[0], op, sign(MAIN[0], MAIN[1], ts), query)
                conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
                try:
                    conn.request("POST", path, body=body,
                                 headers={"Content-Type": content_type,
                                          "Authorization": auth_header(MAIN[0], ts)})
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                self.assertEqual(resp.status, 200, data)
                self.assertEqual(json.loads(data)["statusCode"], code, data)
                self.assertEqual(resp.getheader("Connection"), "close")

    def test_slow_body_is_read(self):
        body = json.dumps({"useracc": self.acc(unique("sl"))}).encode()
        head = self.signed_head("getUserVerify", len(body))
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as s:
            s.sendall(head.encode())
            for i in range(0, len(body), 8):
                s.sendall(body[i:i + 8])
                time.sleep(0.05)
            status, _, raw = RawReader(s).response()
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(raw)["statusCode"], "000000")

    def test_stalled_body_times_out(self):
        body = json.dumps({"useracc": self.acc(unique("st"))}).encode()
        head = self.signed_head("getUserVerify", len(body) + 100)
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as s:
            s.sendall(head.encode() + body)
            started = time.monotonic()
            got = RawReader(s).response(timeout=8)
            took = time.monotonic() - started
        # body_timeout_ms = 1500: answered 408 or closed, not held forever.
        self.assertLess(took, 6)
        if got is not None:
            self.assertIn(got[0], (400, 408), got)

    def test_bad_query_strings(self):
        for query in ["&useracc=%zz&fileName=a.png", "&fileName=%", "&useracc=a&useracc=b"]:
            with self.subTest(query=query):
                head = self.signed_head("uploadAvatar", 8, query=query,
                                        content_type="application/octet-stream")
                with socket.create_connection((self.server.host, self.server.port),
                                              timeout=10) as s:
                    s.sendall(head.encode() + b"\x89PNG\r\n\x1a\n")
                    status, headers, raw = RawReader(s).response()
                self.assertEqual(status, 200)
                self.assertRegex(json.loads(raw)["statusCode"], r"^160\d{3}$")


if __name__ == "__main__":
    unittest.main()
