"""Yuntongxun authentication against the real binary: every failure of the scheme with its own
statusCode, always HTTP 200 in the {"statusCode","statusMsg"} envelope, in the documented order
(SoftVersion → op → Authorization → appId → timestamp → sig → rate limit → Content-Type → JSON);
what the vendor's SDKs send in their different ways is accepted; apps are kept apart."""

import base64
import datetime
import hashlib
import json
import socket
import unittest

from harness import read_http_response, toml_config, unique
from yuntongxun_client import (CHINA, JSON_TYPE, OK, OMIT, SOFT_VERSION, Yuntongxun,
                               YuntongxunCase, app_table, auth_header, new_app_id, sdk_timestamp,
                               sign)

A = (new_app_id(), "tokenA" + new_app_id())
B = (new_app_id(), "tokenB" + new_app_id())
THROTTLED = (new_app_id(), new_app_id())
CONFIG = toml_config([
    {"name": "a", "yuntongxun": app_table(*A)},
    {"name": "b", "yuntongxun": app_table(*B)},  # no link_group: a tenant of its own
    {"name": "throttled", "yuntongxun": app_table(*THROTTLED, rate_limit_per_second=3)},
], log_level="warn")


def b64(text, urlsafe=False, pad=True):
    enc = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    out = enc(text.encode("utf-8")).decode("ascii")
    return out if pad else out.rstrip("=")


class AuthTests(YuntongxunCase):

    CONFIG = CONFIG
    CREDS = A

    def verify(self, **kw):
        """getUserVerify of a fresh account with these call() keywords."""
        return self.ytx.call("getUserVerify", {"useracc": self.acc(unique("au"))}, **kw)

    def test_the_sdk_way_works(self):
        r = self.verify()
        self.assertEqual(self.assertOk(r), {"statusCode": OK, "statusMsg": "success",
                                            "addVerify": "1"})
        self.assertEqual(r.headers["content-type"].split(";")[0], "application/json")

    def test_missing_authorization_is_160001(self):
        self.assertCode(self.verify(authorization=OMIT), "160001")

    def test_repeated_authorization_is_160002(self):
        ts = sdk_timestamp()
        body = json.dumps({"useracc": self.acc(unique("au"))}).encode()
        head = ("POST /%s/Application/%s/IM/getUserVerify?sig=%s HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: %s\r\nAuthorization: %s\r\nAuthorization: %s\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n") % (
                    SOFT_VERSION, A[0], sign(A[0], A[1], ts), JSON_TYPE, auth_header(A[0], ts),
                    auth_header(A[0], ts), len(body))
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as s:
            s.sendall(head.encode() + body)
            status, headers, raw = read_http_response(s)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("application/json"), headers)
        j = json.loads(raw)
        self.assertEqual(j["statusCode"], "160002", j)
        self.assertTrue(j["statusMsg"])

    def test_undecodable_authorization_is_160002(self):
        ts = sdk_timestamp()
        for bad in ["", "!!!!", "not base64 at all", b64(A[0]), b64(":" + ts),
                    b64(A[0] + ts), b64("%s:%s" % (A[0], ts[:-1])),
                    b64("%s:%sx" % (A[0], ts[:-1])), b64("%s:%s0" % (A[0], ts)),
                    b64("%s: %s" % (A[0], ts)), "Basic " + auth_header(A[0], ts),
                    auth_header(A[0], ts) + "=", auth_header(A[0], ts)[:-2]]:
            with self.subTest(authorization=bad):
                self.assertCode(self.verify(timestamp=ts, authorization=bad), "160002")

    def test_base64_variants_are_accepted(self):
        ts = sdk_timestamp()
        text = "%s:%s" % (A[0], ts)
        # appId:timestamp (hex digits, ':' and digits) never encodes to '+' or '/', so the
        # URL-safe alphabet gives the same text; padding is what SDKs really differ in.
        self.assertEqual(b64(text, urlsafe=True), b64(text))
        for auth in [b64(text), b64(text, pad=False), b64(text, urlsafe=True, pad=False)]:
            with self.subTest(authorization=auth):
                self.assertOk(self.verify(timestamp=ts, authorization=auth))

    def test_sig_in_either_case(self):
        ts = sdk_timestamp()
        sig = sign(A[0], A[1], ts)
        self.assertOk(self.verify(timestamp=ts, sig=sig.upper()))
        self.assertOk(self.verify(timestamp=ts, sig=sig.lower()))
        self.assertOk(self.verify(timestamp=ts, sig=sig[:16].lower() + sig[16:]))

    def test_wrong_sig_is_160006(self):
        ts = sdk_timestamp()
        good = sign(A[0], A[1], ts)
        older = sdk_timestamp(datetime.datetime.now(CHINA) - datetime.timedelta(seconds=5))
        for bad in [good[:-1] + ("0" if good[-1] != "0" else "1"), good[:-1], good + "0",
                    sign(A[0], B[1], ts), sign(A[0], A[1], older),
                    hashlib.md5((A[0] + A[1] + ts).encode()).hexdigest()[::-1], "x" * 32,
                    hashlib.sha1((A[0] + A[1] + ts).encode()).hexdigest()]:
            with self.subTest(sig=bad):
                self.assertCode(self.verify(timestamp=ts, sig=bad), "160006")

    def test_missing_sig_is_160005(self):
        self.assertCode(self.verify(sig=OMIT), "160005")
        self.assertCode(self.verify(sig=""), "160005")

    def test_stale_timestamps_are_160004_both_ways(self):
        now = datetime.datetime.now(CHINA)
        day = datetime.timedelta(hours=24, minutes=5)
        for delta in [day, -day, datetime.timedelta(days=400), -datetime.timedelta(days=3650)]:
            with self.subTest(delta=delta):
                self.assertCode(self.verify(timestamp=sdk_timestamp(now + delta)), "160004")
        for delta in [datetime.timedelta(hours=23), -datetime.timedelta(hours=23)]:
            with self.subTest(delta=delta):
                self.assertOk(self.verify(timestamp=sdk_timestamp(now + delta)))

    def test_timestamp_is_china_time(self):
        # The same instant written in UTC is 8 hours off: still within the window, and signed
        # consistently, so accepted; a forged zone only moves the window.
        utc = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
        self.assertOk(self.verify(timestamp=utc))

    def test_malformed_timestamp_is_160003(self):
        for bad in ["20241301120000", "20240230120000", "20240101240000", "20240101126000",
                    "20240101120060", "00000000000000", "19691231235959", "20230229000000"]:
            with self.subTest(timestamp=bad):
                self.assertCode(self.verify(timestamp=bad), "160003")

    def test_unknown_app_is_160007(self):
        stranger = Yuntongxun(self.server, new_app_id(), "whatever")
        try:
            self.assertCode(stranger.call("getUserVerify", {"useracc": "x#y"}), "160007")
            self.assertCode(self.verify(app_id_in_path="not-an-app"), "160007")
        finally:
            stranger.close()

    def test_a_request_signed_for_a_refused_on_b(self):
        # A's header and sig on B's path: the header names another app.
        self.assertCode(self.verify(app_id_in_path=B[0]), "160008")
        # B's appId in the header, signed with A's token: the sig is wrong.
        ts = sdk_timestamp()
        self.assertCode(self.verify(app_id_in_path=B[0], timestamp=ts,
                                    authorization=auth_header(B[0], ts)), "160006")
        # An appId is hex: in either case it is the same app, in the path and in the header
        # (signed as sent).
        self.assertOk(self.verify(app_id_in_path=A[0].upper()))
        ts = sdk_timestamp()
        self.assertOk(self.verify(app_id_in_path=A[0].upper(), timestamp=ts,
                                  authorization=auth_header(A[0].upper(), ts),
                                  sig=sign(A[0].upper(), A[1], ts)))

    def test_wrong_soft_version_is_160009(self):
        for v in ["2013-12-25", "2014-06-30", "v1", "2013-12-26x"]:
            with self.subTest(version=v):
                self.assertCode(self.verify(soft_version=v), "160009")
        # Checked first: even without Authorization.
        self.assertCode(self.verify(soft_version="1", authorization=OMIT), "160009")

    def test_unknown_op_is_160011(self):
        for op in ["getFriend", "GetFriends", "getfriends", "nope", "getFriends.json"]:
            with self.subTest(op=op):
                self.assertCode(self.ytx.call(op, {"useracc": self.acc("x")}), "160011")
        # The op is checked before the Authorization.
        self.assertCode(self.ytx.call("nope", {}, authorization=OMIT), "160011")
        for path in ["/%s/Application/%s" % (SOFT_VERSION, A[0]),
                     "/%s/Application/%s/IM" % (SOFT_VERSION, A[0]),
                     "/%s/Application/%s/SubAccounts/getFriends" % (SOFT_VERSION, A[0]),
                     "/%s/Application/%s/IM/getFriends/x" % (SOFT_VERSION, A[0])]:
            with self.subTest(path=path):
                self.assertCode(self.ytx.raw("POST", path, "{}", {"Content-Type": JSON_TYPE}),
                                "160011")

    def test_other_methods_on_an_op_are_160012(self):
        ts = sdk_timestamp()
        path = "/%s/Application/%s/IM/getUserVerify?sig=%s" % (SOFT_VERSION, A[0],
                                                               sign(A[0], A[1], ts))
        h = {"Authorization": auth_header(A[0], ts), "Accept": "application/json"}
        for method in ["GET", "PUT", "DELETE", "PATCH"]:
            with self.subTest(method=method):
                self.assertCode(self.ytx.raw(method, path, None, h), "160012")

    def test_content_type_must_be_json(self):
        useracc = self.acc(unique("au"))
        for ct in ["application/x-www-form-urlencoded", "text/plain", "application/xml",
                   "application/jsonx", "multipart/form-data; boundary=x", ""]:
            with self.subTest(content_type=ct):
                r = self.ytx.call("getUserVerify", {"useracc": useracc},
                                  headers={"Content-Type": ct})
                self.assertCode(r, "160013")
        # Any spelling of JSON, or none at all, is fine.
        for ct in ["application/json", "Application/JSON; charset=UTF-8",
                   "application/json;charset=utf-8;", None]:
            with self.subTest(content_type=ct):
                self.assertOk(self.ytx.call("getUserVerify", {"useracc": useracc},
                                            headers={"Content-Type": ct}))

    def test_bad_json_is_160100(self):
        for raw in ["", "{", '{"useracc":}', "{'useracc':'x'}", '{"useracc":"x"} trailing',
                    "null", '"text"', "42", "[]", '[{"useracc":"x"}]', "true"]:
            with self.subTest(body=raw):
                self.assertCode(self.ytx.call("getUserVerify", None, raw_body=raw), "160100")
        # A UTF-8 byte order mark before the object is tolerated (some Windows clients send it).
        self.assertCode(self.ytx.call("getUserVerify", None, raw_body="\ufeff{}"), "160101")

    def test_auth_is_checked_before_the_body(self):
        self.assertCode(self.ytx.call("getUserVerify", None, raw_body="{", sig="0" * 32),
                        "160006")
        self.assertCode(self.ytx.call("getUserVerify", None, raw_body="{",
                                      headers={"Content-Type": "text/plain"}), "160013")

    def test_replay_within_the_window_is_accepted(self):
        # The vendor's scheme has no nonce: a signed request replays within 24 h (documented).
        ts = sdk_timestamp()
        body = {"useracc": self.acc(unique("au"))}
        self.assertOk(self.ytx.call("getUserVerify", body, timestamp=ts))
        self.assertOk(self.ytx.call("getUserVerify", body, timestamp=ts))

    def test_every_error_is_http_200_with_the_envelope(self):
        for reply in [self.verify(authorization=OMIT), self.verify(sig="0"),
                      self.ytx.call("nope", {}), self.ytx.call("getFriends", {}),
                      self.ytx.call("getFriends", {"useracc": "a b"})]:
            with self.subTest(reply=reply):
                self.assertEqual(reply.status, 200)
                self.assertEqual(set(reply.json), {"statusCode", "statusMsg"}, reply)
                self.assertRegex(reply.code, r"^\d{6}$")
                self.assertNotEqual(reply.code, OK)


class TenantTests(YuntongxunCase):
    """Two apps in one config, no link_group: neither sees the other's data."""

    CONFIG = CONFIG
    CREDS = A

    def test_a_useracc_of_the_other_app_is_160103(self):
        b = self.client(B)
        x, y = unique("ta"), unique("ta")
        self.ok("setUserVerify", {"useracc": self.acc(y, b), "addVerify": 0}, b)
        self.ok("addFriend", {"useracc": self.acc(x, b), "friendUseracc": self.acc(y, b)}, b)
        for op, body in [
                ("getFriends", {"useracc": self.acc(x, b)}),
                ("addFriend", {"useracc": self.acc(x), "friendUseracc": self.acc(y, b)}),
                ("getPersonInfo", {"useracc": self.acc(x), "searchContent": self.acc(y, b)}),
                ("batchGetUserAvatar", {"useraccList": [self.acc(x), self.acc(y, b)]}),
                ("importFriends", {"friendsList": [{"useracc": self.acc(x),
                                                    "friendUseracc": self.acc(y, b)}]}),
                ("getUserVerify", {"useracc": "%s#%s" % (new_app_id(), x)})]:
            with self.subTest(op=op):
                self.code(op, body, "160103")
        r = self.ytx.upload_avatar(self.acc(x, b), "a.png", b"\x89PNG\r\n\x1a\n")
        self.assertCode(r, "160103")

    def test_the_same_account_names_are_different_users(self):
        b = self.client(B)
        x, y = unique("tb"), unique("tb")
        self.ok("setPersonInfo", {"useracc": self.acc(x, b), "nickName": "in B"}, b)
        self.ok("setUserVerify", {"useracc": self.acc(y, b), "addVerify": "0"}, b)
        self.ok("addFriend", {"useracc": self.acc(x, b), "friendUseracc": self.acc(y, b)}, b)
        self.assertEqual(set(self.friends(x, b)), {self.acc(y, b)})
        # In A, x exists only once it calls; y does not exist at all.
        self.assertEqual(self.friends(x), {})
        self.code("getPersonInfo", {"useracc": self.acc(x), "searchContent": self.acc(y)},
                  "160200")
        info = self.ok("getPersonInfo", {"useracc": self.acc(y, b),
                                         "searchContent": self.acc(x, b)}, b)
        self.assertEqual((info["nickName"], info["state"]), ("in B", "1"))
        mine = self.ok("getPersonInfo", {"useracc": self.acc(x), "searchContent": self.acc(x)})
        self.assertEqual(mine["nickName"], "")
        self.assertEqual(self.ok("getUserVerify", {"useracc": self.acc(y)})["addVerify"], "1")
        self.assertEqual(self.ok("friendMessage", {"useracc": self.acc(y)})["inviteList"], [])


class RateLimitTests(YuntongxunCase):

    CONFIG = CONFIG
    CREDS = THROTTLED

    def test_over_the_limit_is_160010_and_only_signed_calls_count(self):
        # Unsigned, badly signed and stale calls do not spend the app's budget.
        for _ in range(8):
            self.assertCode(self.verify(sig="0" * 32), "160006")
            self.assertCode(self.verify(authorization=OMIT), "160001")
        self.assertOk(self.verify())
        codes = [self.verify().code for _ in range(12)]
        self.assertIn("160010", codes, codes)
        self.assertEqual(set(codes), {OK, "160010"}, codes)
        self.assertLessEqual(codes.count(OK), 5, codes)
        r = self.verify()
        self.assertCode(r, "160010")
        # Another app is not affected.
        a = self.client(A)
        self.assertOk(a.call("getUserVerify", {"useracc": a.useracc(unique("rl"))}))

    def verify(self, **kw):
        return self.ytx.call("getUserVerify", {"useracc": self.acc(unique("rl"))}, **kw)


if __name__ == "__main__":
    unittest.main()
