// The national signing component (HiPKI LocalSignServer, 跨平台網頁元件) in our pages:
// read the card, take its PIN, have the card sign the server's challenge (PKCS#7,
// SHA-256) and post the result with the form the widget sits in
// (templates/members/_signer.html; members/README.md, "Identity verification").
//
// The component listens on http://localhost:61161 and sends no CORS headers, so a
// page cannot fetch from it. Its documented way in is a popup: open <url>/popupForm;
// when ready, the popup posts {"func":"getTbs"} to its opener; the opener posts back
// one request as a JSON string ({"func":"GetUserCert"} or {"func":"MakeSignature",
// ...}); the popup runs it and posts the answer ({"func":"pkcs11info"|"sign",
// "ret_code":0, ...}) and closes. Each call needs its own popup, opened straight from
// a click or a key press so the browser does not block it.
//
// Everything the page says comes from data- attributes (translated by the server);
// no inline script or style, no eval: the page may run under a strict CSP.
(function () {
  "use strict";

  const READY_MS = 3500; // what the component's own samples give its popup to answer
  const ANSWER_MS = 120000; // reading a card, or a PIN-pad reader, can take a while
  const CLOSED_GRACE_MS = 1000; // the popup closes itself right after answering

  // The component's return codes (ret_code), as its samples name them.
  const RET = {
    noCard: 0x76000006, // 未插入IC卡
    noReader: 0x76100003, // 無可用讀卡機
    loginFailed: 0x76100006, // IC卡登入失敗 (the PIN)
    noPin: 0x76000998, // 未輸入PIN碼
    cancelled: 0x76000999, // 使用者已取消動作
    domainRefused: 0x7600000f, // 禁止存取的網域
    untrustedSite: 0x76000031, // 非信任網站
    certNotYet: 0x76500001, // 憑證尚未生效
    certExpired: 0x76500002, // 憑證已逾期
  };
  // The card's own reason (last_error).
  const CARD = {
    pinWrong: 0xa0,
    pinLength: 0xa2,
    locked: 0xa4,
    oneLeft: 0x80000001,
    twoLeft: 0x80000002,
  };

  // The card's signing certificate per reader, from the last listing.
  const certificates = new WeakMap();

  function unsigned(value) {
    return Number(value || 0) >>> 0;
  }

  function part(widget, name) {
    return widget.querySelector("[data-signer-" + name + "]");
  }

  function say(widget, level, key, values) {
    let text = widget.getAttribute("data-msg-" + key) || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    const status = part(widget, "status");
    status.className = "alert alert-" + level + " mt-3 mb-0";
    status.textContent = text;
    status.hidden = false;
    part(widget, "install").hidden = true;
  }

  function busy(widget, on) {
    widget.querySelectorAll("button").forEach(function (button) {
      button.disabled = on;
    });
    widget.setAttribute("aria-busy", on ? "true" : "false");
  }

  function Problem(kind) {
    this.kind = kind;
  }

  // One request to the component through its popup; resolves with its answer.
  function call(widget, request) {
    const base = widget.getAttribute("data-component-url").replace(/\/+$/, "");
    const origin = new URL(base).origin;
    const popup = window.open(base + "/popupForm", "tcloud-signer", "popup,width=360,height=240,left=100,top=20");
    if (!popup) {
      return Promise.reject(new Problem("blocked"));
    }
    return new Promise(function (resolve, reject) {
      let ready = false;
      let settled = false;
      let timer = setTimeout(function () {
        end(new Problem(ready ? "timeout" : "absent"));
      }, READY_MS);
      const watch = setInterval(function () {
        if (popup.closed && !settled) {
          clearInterval(watch);
          setTimeout(function () {
            end(new Problem(ready ? "cancelled" : "absent"));
          }, CLOSED_GRACE_MS);
        }
      }, 250);

      function end(problem, answer) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        window.removeEventListener("message", listen);
        if (problem) {
          try {
            popup.close();
          } catch (e) {
            // Already gone.
          }
          reject(problem);
        } else {
          resolve(answer);
        }
      }

      function listen(event) {
        if (event.origin !== origin || event.source !== popup) return;
        let message;
        try {
          message = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
        } catch (e) {
          return;
        }
        if (!message || typeof message !== "object") return;
        if (message.func === "getTbs") {
          if (ready) return;
          ready = true;
          clearTimeout(timer);
          timer = setTimeout(function () {
            end(new Problem("timeout"));
          }, ANSWER_MS);
          // Addressed to the component's origin only: the request may hold the PIN.
          popup.postMessage(JSON.stringify(request), origin);
          return;
        }
        if (ready) end(null, message);
      }

      window.addEventListener("message", listen);
    });
  }

  function report(widget, problem) {
    if (problem && problem.kind === "absent") {
      part(widget, "status").hidden = true;
      part(widget, "install").hidden = false;
      return;
    }
    const kind = problem && problem.kind;
    if (kind === "blocked" || kind === "timeout" || kind === "cancelled") {
      say(widget, "warning", kind);
      return;
    }
    say(widget, "danger", "failed", { code: String(problem && (problem.message || kind)) });
  }

  // The component answered with an error: say what it means for the person.
  function refused(widget, answer) {
    const code = unsigned(answer.ret_code);
    const reason = unsigned(answer.last_error);
    const pin = part(widget, "pin");
    if (reason === CARD.locked) return say(widget, "danger", "locked");
    if (reason === CARD.oneLeft || reason === CARD.twoLeft) {
      pin.value = "";
      pin.focus();
      return say(widget, "warning", "pin-wrong-left", { n: reason === CARD.oneLeft ? 1 : 2 });
    }
    if (reason === CARD.pinWrong || reason === CARD.pinLength || code === RET.loginFailed) {
      pin.value = "";
      pin.focus();
      return say(widget, "warning", "pin-wrong");
    }
    const known = {};
    known[RET.noCard] = "no-card";
    known[RET.noReader] = "no-reader";
    known[RET.noPin] = "enter-pin";
    known[RET.cancelled] = "cancelled";
    known[RET.domainRefused] = "site-refused";
    known[RET.untrustedSite] = "site-refused";
    known[RET.certExpired] = "cert-expired";
    known[RET.certNotYet] = "cert-not-yet";
    if (known[code]) return say(widget, "warning", known[code]);
    return say(widget, "danger", "failed", { code: "0x" + code.toString(16) });
  }

  function commonName(dn) {
    const match = /(?:^|,)\s*CN=([^,]+)/.exec(dn || "");
    return match ? match[1].trim() : "";
  }

  function signingCertificate(token) {
    const certs = (token && token.certs) || [];
    const signing = certs.filter(function (c) {
      return String(c.usage || "").indexOf("digitalSignature") !== -1;
    });
    return signing[0] || certs[0] || null;
  }

  function readCard(widget) {
    busy(widget, true);
    say(widget, "info", "reading");
    call(widget, { func: "GetUserCert" })
      .then(function (answer) {
        if (unsigned(answer.ret_code) !== 0) return refused(widget, answer);
        const slots = Array.isArray(answer.slots) ? answer.slots : [];
        if (!slots.length) return say(widget, "warning", "no-reader");
        const cards = slots.filter(function (slot) {
          return slot && slot.token && typeof slot.token === "object";
        });
        if (!cards.length) return say(widget, "warning", "no-card");
        const select = part(widget, "slot");
        const known = {};
        select.replaceChildren();
        cards.forEach(function (slot) {
          const cert = signingCertificate(slot.token);
          const option = document.createElement("option");
          option.value = slot.slotDescription;
          const holder = cert ? commonName(cert.subjectDN) : "";
          option.textContent = holder ? holder + " — " + slot.slotDescription : slot.slotDescription;
          select.appendChild(option);
          known[slot.slotDescription] = cert ? cert.certb64 : "";
        });
        certificates.set(widget, known);
        part(widget, "card").hidden = false;
        say(widget, "success", "card-found");
        part(widget, "pin").focus();
      })
      .catch(function (problem) {
        report(widget, problem);
      })
      .finally(function () {
        busy(widget, false);
      });
  }

  function pem(base64) {
    const body = String(base64 || "").replace(/\s+/g, "");
    if (!body) return "";
    return "-----BEGIN CERTIFICATE-----\n" + body.replace(/(.{64})/g, "$1\n").replace(/\n$/, "") + "\n-----END CERTIFICATE-----\n";
  }

  function field(form, name) {
    return form.querySelector("[name='" + name + "']");
  }

  function post(widget, answer, slot) {
    const form = widget.closest("form");
    const cert = answer.certb64 || (certificates.get(widget) || {})[slot] || "";
    field(form, "signature").value = String(answer.signature).replace(/\s+/g, "");
    field(form, "certificate").value = pem(cert);
    const challenge = field(form, "challenge");
    if (challenge && !challenge.value) challenge.value = widget.getAttribute("data-challenge");
    if (!form.checkValidity()) {
      say(widget, "info", "signed-complete-form");
      form.reportValidity();
      return;
    }
    say(widget, "success", "signed");
    form.requestSubmit();
  }

  function sign(widget) {
    const pin = part(widget, "pin");
    const slot = part(widget, "slot").value;
    if (!pin.value) {
      say(widget, "warning", "enter-pin");
      pin.focus();
      return;
    }
    // As the component's samples send it: text to be signed as is (tbsEncoding
    // NONE), values URL-encoded (the component decodes them), PKCS#7 over SHA-256.
    const request = {
      func: "MakeSignature",
      signatureType: "PKCS7",
      hashAlgorithm: "SHA256",
      tbsEncoding: "NONE",
      tbs: encodeURIComponent(widget.getAttribute("data-challenge")),
      pin: encodeURIComponent(pin.value),
      slotDescription: slot,
      withCardSN: "false",
      nonce: "",
    };
    busy(widget, true);
    say(widget, "info", "signing");
    call(widget, request)
      .then(function (answer) {
        if (unsigned(answer.ret_code) !== 0) return refused(widget, answer);
        if (!answer.signature) return say(widget, "danger", "failed", { code: "no signature" });
        post(widget, answer, slot);
      })
      .catch(function (problem) {
        report(widget, problem);
      })
      .finally(function () {
        // The PIN is typed again for every signature; it is kept nowhere.
        pin.value = "";
        busy(widget, false);
      });
  }

  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const read = target.closest("[data-signer-read]");
    const signer = target.closest("[data-signer-sign]");
    if (read) {
      event.preventDefault();
      readCard(read.closest("[data-signer]"));
    } else if (signer) {
      event.preventDefault();
      sign(signer.closest("[data-signer]"));
    }
  });

  // Enter in the PIN field signs, instead of posting the form without a signature.
  document.addEventListener("keydown", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (event.key === "Enter" && target && target.matches("[data-signer-pin]")) {
      event.preventDefault();
      sign(target.closest("[data-signer]"));
    }
  });
})();
