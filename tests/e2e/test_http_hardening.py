"""Transport hardening: the request-decoding layer and the server's defences, driven over
loopback as a client (or an attacker) would."""

import unittest

from harness import ServerCase, unique


class RequestDecodingTests(ServerCase):

    def post(self, body, content_type, op="friend/get"):
        h = self.ne.auth_headers()
        h["Content-Type"] = content_type
        return self.ne.raw("/nimserver/%s.action" % op, body, h)

    def test_form_media_type_is_parsed_up_to_the_semicolon(self):
        accid = unique()
        self.assertOk(self.ne.create_user(accid))
        body = "accid=%s&updatetime=0" % accid
        for ct in ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded;",
                   "application/x-www-form-urlencoded ; charset=utf-8",
                   "Application/X-WWW-Form-Urlencoded;Charset=UTF-8",
                   'application/x-www-form-urlencoded; charset="utf-8"'):
            with self.subTest(content_type=ct):
                self.assertOk(self.post(body, ct))
        for ct in ("application/x-www-form-urlencodedX", "application/x-www-form-urlencoded2",
                   "application/x-www-form-urlencoded, text/plain",
                   "application/x-www-form-urlencoded; charset", "application/x-www-form",
                   "x-www-form-urlencoded", ""):
            with self.subTest(content_type=ct):
                self.assertCode(self.post(body, ct), 414)



if __name__ == "__main__":
    unittest.main()
