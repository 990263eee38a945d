"""A stand-in for the national signing component (HiPKI LocalSignServer), served
on 127.0.0.1 for the browser tests.

It speaks the component's popup protocol as its published samples show it: the
page opens <url>/popupForm; the popup posts '{"func":"getTbs"}' to its opener;
the opener posts one request as a JSON string; the popup hands it to its own
server (same origin, so no CORS is involved), posts the answer back as a JSON
string and closes. Like the real one it sends no CORS headers.

The test sets what is plugged in: readers, a card (a `Holder` from conftest),
its PIN, how many wrong PINs are left, and records every request, so a test can
say what the page asked for, and that the PIN went nowhere else.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization

# ret_code / last_error values of the component (its samples' error tables).
OK = 0
NO_CARD = 0x76000006
NO_READER = 0x76100003
LOGIN_FAILED = 0x76100006
PIN_WRONG = 0xA0
CARD_LOCKED = 0xA4
ONE_LEFT = 0x80000001
TWO_LEFT = 0x80000002

POPUP_HTML = b"""<!doctype html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>HiPKI LocalSignServer (test)</title>
<script src="/popupForm.js"></script></head>
<body><p>Signing component (test stand-in)</p></body></html>
"""

POPUP_JS = b"""(function () {
  window.addEventListener("message", function (event) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/call", true);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.onload = function () {
      window.opener.postMessage(xhr.responseText, "*");
      window.close();
    };
    xhr.send("tbsPackage=" + encodeURIComponent(event.data));
  });
  window.opener.postMessage(JSON.stringify({ func: "getTbs" }), "*");
})();
"""


class FakeSigningComponent:
    READER = "Generic EMV Smartcard Reader 0"

    def __init__(self, holder=None, *, pin: str = "123456", pin_tries: int = 3):
        self.holder = holder
        self.readers = [self.READER]
        self.card_in = holder is not None
        self.pin = pin
        self.pin_tries = pin_tries
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body: bytes, content_type: str):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.startswith("/popupForm.js"):
                    self._send(POPUP_JS, "application/javascript")
                elif self.path.startswith("/popupForm"):
                    self._send(POPUP_HTML, "text/html; charset=utf-8")
                else:
                    self.send_error(404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                package = json.loads(form["tbsPackage"][0])
                self._send(json.dumps(fake.handle(package)).encode(), "application/json")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # --- what the component does ------------------------------------------------

    def handle(self, package: dict) -> dict:
        self.requests.append(package)
        if package.get("func") == "GetUserCert":
            return self._pkcs11info()
        if package.get("func") == "MakeSignature":
            return self._sign(package)
        return {"func": "unknown", "ret_code": 0x7600000E, "last_error": 0}

    def _certb64(self) -> str:
        der = self.holder.cert.public_bytes(serialization.Encoding.DER)
        return base64.b64encode(der).decode()

    def _pkcs11info(self) -> dict:
        slots = []
        for reader in self.readers:
            token = None
            if self.card_in and reader == self.READER:
                subject = self.holder.cert.subject.rfc4514_string()
                token = {
                    "serialNumber": "TP03000000000001",
                    "label": "HiPKI",
                    "certs": [
                        {
                            "label": "cert1",
                            "usage": "digitalSignature",
                            "subjectDN": subject,
                            "certb64": self._certb64(),
                        },
                        {
                            "label": "cert2",
                            "usage": "keyEncipherment|dataEncipherment",
                            "subjectDN": subject,
                            "certb64": self._certb64(),
                        },
                    ],
                }
            slots.append({"slotDescription": reader, "token": token})
        return {"func": "pkcs11info", "ret_code": OK, "last_error": 0, "slots": slots}

    def _sign(self, package: dict) -> dict:
        answer = {"func": "sign", "signature": "", "certb64": ""}
        if not self.readers:
            return {**answer, "ret_code": NO_READER, "last_error": 0}
        if not self.card_in:
            return {**answer, "ret_code": NO_CARD, "last_error": 0}
        if self.pin_tries <= 0:
            return {**answer, "ret_code": LOGIN_FAILED, "last_error": CARD_LOCKED}
        if urllib.parse.unquote(package.get("pin", "")) != self.pin:
            self.pin_tries -= 1
            reason = {0: CARD_LOCKED, 1: ONE_LEFT, 2: TWO_LEFT}.get(self.pin_tries, PIN_WRONG)
            return {**answer, "ret_code": LOGIN_FAILED, "last_error": reason}
        assert package["signatureType"] == "PKCS7" and package["hashAlgorithm"] == "SHA256"
        tbs = urllib.parse.unquote(package["tbs"]).encode()
        signed = self.holder.pkcs7(tbs)
        return {
            **answer,
            "ret_code": OK,
            "last_error": 0,
            "signature": base64.b64encode(signed).decode(),
            "certb64": self._certb64(),
        }
