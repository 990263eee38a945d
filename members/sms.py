"""Sending text messages through a Taiwanese SMS gateway (RULES M5 phone codes).

`MEMBERS_SMS_BACKEND` names a class with `send(to=, text=)`. The demo prints
(`members.verification.ConsoleSMSBackend`), the tests keep an outbox
(`LocmemSMSBackend`), and a deployment uses `MitakeSMSBackend`: Mitake's
(三竹資訊) HTTP API, `POST <MEMBERS_SMS_URL>?CharsetURL=UTF-8` with the form fields
`username`, `password`, `dstaddr`, `smbody` and `clientid`. The gateway answers
HTTP 200 with `key=value` lines; `statuscode` 0-4 means it took the message (0
scheduled, 1-3 handed to the carrier, 4 delivered), anything else is a refusal
(`e` wrong account, `v` bad number, `s` no credit, ...) named in `Error=`.

Mitake has no sender-ID field (the carrier shows Mitake's number), so
`MEMBERS_SMS_SENDER` is put in front of every text as 【name】: the member sees who
writes. A gateway that does not answer within `MEMBERS_SMS_TIMEOUT` seconds, or
refuses, raises `SMSFailed` (a RuleError: the page says so, the API answers 409),
so nothing is half-done: the challenge that needed the code is rolled back with
it. Nothing is retried, since a timed-out request may still have been sent; the
member asks for a new code (throttled) instead. Logs name the failure, never the
number or the text (it holds the code).
"""

from __future__ import annotations

import http.client
import logging
import secrets
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from tcloud.core.errors import RuleError

log = logging.getLogger(__name__)

MITAKE_URL = "https://smsapi.mitake.com.tw/api/mtk/SmSend"
# statuscode values meaning the gateway accepted the message.
MITAKE_ACCEPTED = frozenset("01234")
# Mitake's own line break inside smbody (a raw newline would end the field).
MITAKE_NEWLINE = "\x06"


class SMSFailed(RuleError):
    code = "sms_unavailable"


def _mask(phone: str) -> str:
    return phone[:4] + "***" + phone[-3:] if len(phone) >= 8 else "***"


class MitakeSMSBackend:
    """Mitake (三竹資訊) SmSend over HTTPS, configured by the MEMBERS_SMS_* settings."""

    def __init__(
        self,
        *,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url or getattr(settings, "MEMBERS_SMS_URL", "") or MITAKE_URL
        self.username = username if username is not None else settings.MEMBERS_SMS_USERNAME
        self.password = password if password is not None else settings.MEMBERS_SMS_PASSWORD
        self.sender = sender if sender is not None else getattr(settings, "MEMBERS_SMS_SENDER", "")
        self.timeout = timeout or getattr(settings, "MEMBERS_SMS_TIMEOUT", 10)

    def body(self, text: str) -> str:
        text = f"【{self.sender}】{text}" if self.sender else text
        return text.replace("\r\n", "\n").replace("\n", MITAKE_NEWLINE)

    def send(self, *, to: str, text: str) -> None:
        form = urllib.parse.urlencode(
            {
                "username": self.username,
                "password": self.password,
                "dstaddr": to,
                "smbody": self.body(text),
                # Mitake drops a repeated clientid (within 12 hours): a fresh one
                # per message, so two codes to one number both go out.
                "clientid": secrets.token_hex(16),
            }
        ).encode()
        separator = "&" if "?" in self.url else "?"
        request = urllib.request.Request(  # noqa: S310 - the URL is a setting (https)
            f"{self.url}{separator}CharsetURL=UTF-8",
            data=form,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(8192)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            log.warning("SMS to %s not sent: the gateway did not answer (%r)", _mask(to), exc)
            raise SMSFailed(
                _("We could not send the SMS just now. Try again in a few minutes.")
            ) from exc
        answer = parse_answer(raw)
        status = answer.get("statuscode", "")
        if status not in MITAKE_ACCEPTED:
            log.warning(
                "SMS to %s refused by the gateway: statuscode=%r %s",
                _mask(to),
                status,
                answer.get("Error", ""),
            )
            raise SMSFailed(
                _("The SMS service refused the message. Try again later or contact us.")
            )
        log.info("SMS to %s accepted by the gateway (msgid %s)", _mask(to), answer.get("msgid"))


def parse_answer(raw: bytes) -> dict[str, str]:
    """The gateway's `key=value` lines (the first of each key). Its text may be
    UTF-8 or Big5; only the ASCII keys and codes matter here."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("big5", errors="replace")
    answer: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and key not in answer:
            answer[key] = value.strip()
    return answer
