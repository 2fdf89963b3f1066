"""NetEase authentication (AppKey, Nonce, CurTime, CheckSum) and the per-app rate limit."""

import time
import unittest

from harness import read_http_response, toml_config, unique
from netease_client import CONFIG_APPS, LIMITED, THROTTLED, NeteaseCase


class AuthTests(NeteaseCase):

    def setUp(self):
        super().setUp()
        self.accid = unique()
        self.assertOk(self.ne.create_user(self.accid))
        self.body = "accid=%s&updatetime=0" % self.accid

    def send(self, headers):
        h = {"Content-Type": self.ne.FORM}
        h.update(headers)
        return self.ne.raw("/nimserver/friend/get.action", self.body, h)

    def test_valid_signature(self):
        self.assertOk(self.send(self.ne.auth_headers()))

    def test_missing_headers_are_414(self):
        for name in ("AppKey", "Nonce", "CurTime", "CheckSum"):
            with self.subTest(missing=name):
                h = self.ne.auth_headers()
                del h[name]
                self.assertCode(self.send(h), 414)
        self.assertCode(self.send({}), 414)

    def test_header_names_are_case_insensitive(self):
        h = {k.lower(): v for k, v in self.ne.auth_headers().items()}
        self.assertOk(self.send(h))

    def test_wrong_checksum_is_414(self):
        h = self.ne.auth_headers()
        h["CheckSum"] = ("0" if h["CheckSum"][0] != "0" else "1") + h["CheckSum"][1:]
        self.assertCode(self.send(h), 414)
        self.assertCode(self.send(self.ne.auth_headers(secret="not-the-secret")), 414)
        h = self.ne.auth_headers()
        h["CheckSum"] = h["CheckSum"][:-1]
        self.assertCode(self.send(h), 414)
        h = self.ne.auth_headers()
        h["CheckSum"] = ""
        self.assertCode(self.send(h), 414)
        # Signed with one nonce, sent with another.
        h = self.ne.auth_headers()
        h["Nonce"] = h["Nonce"] + "x"
        self.assertCode(self.send(h), 414)

    def test_uppercase_checksum_accepted(self):
        h = self.ne.auth_headers()
        h["CheckSum"] = h["CheckSum"].upper()
        self.assertOk(self.send(h))

    def test_stale_or_future_curtime_is_414(self):
        now = int(time.time())
        self.assertCode(self.send(self.ne.auth_headers(cur_time=now - 360)), 414)
        self.assertCode(self.send(self.ne.auth_headers(cur_time=now + 360)), 414)
        self.assertCode(self.send(self.ne.auth_headers(cur_time=0)), 414)
        # Well inside the 5-minute window both ways.
        self.assertOk(self.send(self.ne.auth_headers(cur_time=now - 120)))
        self.assertOk(self.send(self.ne.auth_headers(cur_time=now + 120)))

    def test_malformed_curtime_or_nonce_is_414(self):
        now = int(time.time())
        for cur in ("abc", "%d.5" % now, " %d" % now, "%dx" % now, "-%d" % now,
                    "99999999999999999999999"):
            with self.subTest(CurTime=cur):
                self.assertCode(self.send(self.ne.auth_headers(cur_time=cur)), 414)
        self.assertCode(self.send(self.ne.auth_headers(nonce="")), 414)
        self.assertCode(self.send(self.ne.auth_headers(nonce="n" * 129)), 414)
        self.assertOk(self.send(self.ne.auth_headers(nonce="n" * 128)))

    def test_milliseconds_curtime_is_414(self):
        self.assertCode(self.send(self.ne.auth_headers(cur_time=int(time.time() * 1000))), 414)

    def test_unknown_appkey_is_403(self):
        self.assertCode(self.send(self.ne.auth_headers(app_key="no-such-app")), 403)
        self.assertCode(self.send(self.ne.auth_headers(app_key=self.ne.app_key.upper())), 403)

    def test_repeated_auth_header_is_414(self):
        h = self.ne.auth_headers()
        lines = ["POST /nimserver/friend/get.action HTTP/1.1", "Host: x",
                 "Content-Type: " + self.ne.FORM, "Content-Length: %d" % len(self.body)]
        lines += ["%s: %s" % kv for kv in h.items()]
        lines.append("Nonce: %s" % h["Nonce"])
        with self.server.connect() as s:
            s.sendall(("\r\n".join(lines) + "\r\n\r\n" + self.body).encode())
            status, headers, body = read_http_response(s)
        self.assertEqual(status, 200, body)
        self.assertIn(b'"code":414', body)

    def test_every_call_needs_auth(self):
        for op in ("user/create", "user/update", "user/refreshToken", "user/getUinfos",
                   "user/updateUinfo", "user/setSpecialRelation", "user/listBlackAndMuteList",
                   "friend/add", "friend/update", "friend/delete", "friend/get",
                   "friend/getByAccid"):
            with self.subTest(op=op):
                r = self.ne.raw("/nimserver/%s.action" % op, "accid=%s" % unique(),
                                {"Content-Type": self.ne.FORM})
                self.assertCode(r, 414)
                r = self.ne.raw("/nimserver/%s.action" % op, "accid=%s" % unique(),
                                dict(self.ne.auth_headers(secret="wrong"),
                                     **{"Content-Type": self.ne.FORM}))
                self.assertCode(r, 414)
        # Nothing was created by the refused calls.
        self.assertEqual(self.ne.call("user/getUinfos", {"accids": "[]"})["uinfos"], [])


class ReplayTests(NeteaseCase):
    """A captured request cannot be sent again within the CurTime window: the Nonce is spent
    (reject_replayed_nonce, on by default). With the setting off, NetEase's own behaviour: any
    signed request may be replayed for 5 minutes."""

    REPLAYABLE = ("replayablekey", "replayablesecret")
    CONFIG = toml_config(CONFIG_APPS + [
        {"name": "replayable",
         "netease": {"app_key": REPLAYABLE[0], "app_secret": REPLAYABLE[1],
                     "reject_replayed_nonce": False}}], log_level="warn")
    CREDS = LIMITED

    def replay(self, client):
        accid = unique()
        h = client.auth_headers()
        h["Content-Type"] = client.FORM
        first = client.raw("/nimserver/user/create.action", "accid=%s" % accid, h)
        again = client.raw("/nimserver/friend/get.action", "accid=%s&updatetime=0" % accid, h)
        return first, again

    def test_a_replayed_nonce_is_414(self):
        first, again = self.replay(self.ne)
        self.assertOk(first)
        self.assertCode(again, 414)
        self.assertIn("Nonce", again.json["desc"])
        # A fresh Nonce goes through; the refused replay changed nothing.
        self.assertOk(self.ne.get_friends(first.json["info"]["accid"]))

    def test_the_vendor_behaviour_can_be_restored(self):
        first, again = self.replay(self.client(self.REPLAYABLE))
        self.assertOk(first)
        self.assertOk(again)

    def test_a_refused_signature_does_not_spend_the_nonce(self):
        h = self.ne.auth_headers()
        wrong = dict(h, CheckSum="0" * 40, **{"Content-Type": self.ne.FORM})
        self.assertCode(self.ne.raw("/nimserver/user/create.action", "accid=" + unique(), wrong),
                        414)
        right = dict(h, **{"Content-Type": self.ne.FORM})
        self.assertOk(self.ne.raw("/nimserver/user/create.action", "accid=" + unique(), right))


class RateLimitTests(NeteaseCase):
    """An app with rate_limit_per_second = 5: the 6th call in one second is refused with 416, and
    the app stays blocked (10 s) even in the next second. Calls refused by authentication are not
    counted."""

    CONFIG = toml_config(CONFIG_APPS, log_level="warn")
    CREDS = LIMITED

    def get(self, client, **kw):
        return client.call("friend/get", {"accid": "nobody", "updatetime": 0}, **kw)

    def test_sixth_call_in_a_second_is_416_then_blocked(self):
        throttled = self.client(THROTTLED)
        throttled.raw("/healthz", method="GET")  # connect first: the burst is only requests
        # Bad signatures are refused before the limiter: they cannot block an app.
        self.assertEqual({self.get(throttled, secret="wrong").code for _ in range(10)}, {414})
        # Start right after a second boundary so that the six calls fall in one wall-clock
        # second (six loopback calls take a few ms).
        time.sleep(1.0 - (time.time() % 1.0) + 0.01)
        started = int(time.time())
        codes = [self.get(throttled).code for _ in range(6)]
        if int(time.time()) != started:
            self.skipTest("the machine is too slow: six calls did not fit in one second")
        self.assertEqual(codes, [404] * 5 + [416])
        # Blocked: still refused in the next wall-clock second, whatever the call.
        time.sleep(1.0 - (time.time() % 1.0) + 0.01)
        self.assertCode(self.get(throttled), 416)
        self.assertCode(throttled.create_user(unique()), 416)
        # Still a 414 for a bad signature, and other apps are not affected.
        self.assertCode(self.get(throttled, secret="wrong"), 414)
        self.assertCode(self.get(self.ne), 404)


if __name__ == "__main__":
    unittest.main()
