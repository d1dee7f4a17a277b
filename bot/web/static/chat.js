/* OCOP web chat: the transcript, sending with retries (nothing typed is lost), buttons, uploads
   and a long-poll for new messages. Plain ES2017, no framework; data only ever goes through
   textContent, never innerHTML. */
(function () {
  "use strict";
  var d = document, body = d.body;
  var API = body.getAttribute("data-api");
  var CSRF = body.getAttribute("data-csrf");
  var HINT = body.getAttribute("data-hint");
  var MAX_TEXT = +body.getAttribute("data-max-text");
  var MAX_BYTES = +body.getAttribute("data-max-bytes");
  var ACCEPT = body.getAttribute("data-accept").split(",");
  var LANG = d.documentElement.lang;
  var S = JSON.parse(d.getElementById("strings").textContent);
  var log = d.getElementById("log"), form = d.getElementById("composer");
  var input = d.getElementById("text"), file = d.getElementById("file");
  var notice = d.getElementById("notice");
  var KEY = "ocop-chat-" + CSRF.slice(0, 12) + "-";
  var lastId = 0, sending = false, retryTimer = 0, failures = 0, noticeTimer = 0;
  var pollTimer = 0, pollFailures = 0;
  var GIVE_UP = 3;   // server errors for one message before it is given back to the visitor
  var TRANSIENT = [502, 503, 504];   // a restart or a proxy: retried without counting
  var outbox = load("outbox") || [];
  var TAB = newId();   // this page: its own posts come back in their answers, not by its poll

  function load(name) {
    try { return JSON.parse(localStorage.getItem(KEY + name)); } catch (e) { return null; }
  }
  function save(name, value) {
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function newId() {
    var a = new Uint8Array(12), s = "";
    crypto.getRandomValues(a);
    for (var i = 0; i < a.length; i++) s += ("0" + a[i].toString(16)).slice(-2);
    return s;
  }
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function say(text, sticky) {
    notice.textContent = text;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    if (!sticky) noticeTimer = setTimeout(quiet, 10000);
  }
  function quiet() { notice.hidden = true; }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function size(n) {
    return n < 1048576 ? Math.ceil(n / 1024) + " KB" : (n / 1048576).toFixed(1) + " MB";
  }
  function call(method, path, data, type, timeout) {
    var headers = {"X-CSRF-Token": CSRF}, opts = {method: method, headers: headers,
      credentials: "same-origin", cache: "no-store"};
    if (type) headers["Content-Type"] = type;
    if (data != null) opts.body = data;
    if (timeout && window.AbortController) {
      var ctl = new AbortController();
      setTimeout(function () { ctl.abort(); }, timeout);
      opts.signal = ctl.signal;
    }
    return fetch(API + path, opts);
  }

  /* Rendering: stored messages in id order, messages still being sent after them. */
  function bubble(m) {
    var box = el("div", "item " + m.dir + (m.push ? " push" : "")), b = el("div", "msg " + m.dir);
    box.setAttribute("data-id", m.id);
    if (m.mid) box.setAttribute("data-mid", m.mid);
    b.setAttribute("data-testid", m.dir === "in" ? "msg-in" : "msg-out");
    if (m.text) b.appendChild(el("span", "", m.text));
    if (m.attachment) {
      var a = m.attachment, label = "📎 " + a.name + (a.size ? " (" + size(a.size) + ")" : "");
      var link = el(a.url ? "a" : "span", "file", label);
      if (a.url) { link.href = a.url; link.target = "_blank"; link.rel = "noopener"; }
      b.appendChild(link);
    }
    box.appendChild(b);
    if (m.choices && m.choices.length) {
      var set = el("div", "choices");
      set.setAttribute("data-testid", "choices");
      m.choices.forEach(function (c, i) {   // numbered, since every prompt says "type its number"
        var btn = el("button");
        btn.appendChild(el("span", "n", (i + 1) + ". "));
        btn.appendChild(el("span", "label", c[0]));
        btn.type = "button";
        btn.setAttribute("data-testid", "choice");
        btn.setAttribute("data-value", c[1]);
        btn.addEventListener("click", function () { queue({action: c[1], label: c[0]}); });
        set.appendChild(btn);
      });
      box.appendChild(set);
    }
    return box;
  }
  function show(list) {
    list.forEach(function (m) {
      if (log.querySelector('[data-id="' + m.id + '"]')) return;
      if (m.mid) drop(m.mid);
      var next = null, kids = log.children;
      for (var j = 0; j < kids.length && !next; j++) {
        var k = +kids[j].getAttribute("data-id");
        if (k > m.id || kids[j].classList.contains("pending")) next = kids[j];
      }
      log.insertBefore(bubble(m), next);
      if (m.id > lastId) lastId = m.id;
    });
    if (list.length) {
      live();
      scroll();
    }
  }
  /* Only the buttons of the bot's latest answer are live (none when it asks to type), plus
     those of messages pushed after it (an announcement's 🔕) which leave the answer's alone. */
  function live() {
    var kids = log.children, answer = -1, i;
    for (i = 0; i < kids.length; i++) {
      if (kids[i].classList.contains("out") && !kids[i].classList.contains("push")) answer = i;
    }
    for (i = 0; i < kids.length; i++) {
      var set = kids[i].querySelector(".choices");
      if (set) set.hidden = !(i === answer || (i > answer && kids[i].classList.contains("push")));
    }
  }
  function pending(msg) {
    var box = el("div", "item in pending"), b = el("div", "msg in");
    box.setAttribute("data-mid", msg.id);
    b.setAttribute("data-testid", "msg-pending");
    b.appendChild(el("span", "", msg.label || msg.text || ""));
    b.appendChild(el("small", "state", S.sending));
    box.appendChild(b);
    log.appendChild(box);
    scroll();
  }
  function drop(mid) {
    var n = log.querySelector('.pending[data-mid="' + mid + '"]');
    if (n) log.removeChild(n);
  }
  function mark(text) {
    var states = log.querySelectorAll(".pending .state");
    for (var i = 0; i < states.length; i++) states[i].textContent = text;
  }

  /* Sending: every message waits in a stored outbox until the server has it. */
  function queue(msg) {
    msg.id = newId();
    if (HINT) msg.hint = HINT;
    outbox.push(msg);
    save("outbox", outbox);
    if (!msg.silent) pending(msg);
    flush();
  }
  function done(msg) {
    outbox = outbox.filter(function (m) { return m.id !== msg.id; });
    save("outbox", outbox);
    drop(msg.id);
  }
  function later(ms) {
    mark(S.notSent);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = 0; flush(); }, ms);
  }
  function backoff() { failures++; return Math.min(30000, 1000 * Math.pow(2, failures)); }
  function flush() {
    if (sending || retryTimer || !outbox.length) return;
    sending = true;
    var msg = outbox[0];
    msg.errors = msg.errors || 0;
    msg.tab = TAB;
    call("POST", "/messages", JSON.stringify(msg), "application/json", 60000).then(function (r) {
      if (r.ok) {
        return r.json().then(function (data) {
          done(msg);
          failures = 0;
          quiet();
          show(data.messages);
          if (data.locale && data.locale !== LANG) location.reload();
        });
      }
      if (r.status === 429) {
        say(S.rateLimited, true);
        return later(1000 * (+r.headers.get("Retry-After") || 5));
      }
      if (r.status >= 500 && (TRANSIENT.indexOf(r.status) >= 0 || ++msg.errors < GIVE_UP)) {
        save("outbox", outbox);
        return later(backoff());
      }
      if (r.status >= 500) failures = 0;
      done(msg);   // refused for good: give the text back rather than lose it
      if (msg.text && !msg.silent && !input.value) { input.value = msg.text; keep(); }
      say(r.status >= 500 ? S.gaveUp : r.status === 413 ? S.tooLong : S.failed, r.status >= 500);
    }).catch(function () {
      say(S.offline, true);
      later(backoff());
    }).then(function () {
      sending = false;
      flush();
    });
  }

  /* Receiving: a long-poll that returns as soon as something is stored for this visitor. */
  function poll() {
    call("GET", "/messages?after=" + lastId + "&wait=25&tab=" + TAB, null, null, 40000).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      pollFailures = 0;
      show(data.messages);
      poll();
    }).catch(function () {
      pollFailures++;
      pollTimer = setTimeout(function () { pollTimer = 0; poll(); },
        Math.min(30000, 1000 * Math.pow(2, pollFailures)));
    });
  }
  function wake() {   // back online or back on screen: retry now instead of after the back-off
    clearTimeout(retryTimer);
    retryTimer = 0;
    failures = 0;
    flush();
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = 0; pollFailures = 0; poll(); }
  }

  /* The composer. */
  function keep() { save("draft", input.value); grow(); warn(); }
  function warn() {   // said while typing, so nothing is cut or refused by surprise
    var over = input.value.length > MAX_TEXT;
    input.setAttribute("aria-invalid", over ? "true" : "false");
    form.classList.toggle("too-long", over);
    if (over) say(S.tooLong + " (" + input.value.length + "/" + MAX_TEXT + ")", true);
    else if (notice.textContent.indexOf(S.tooLong) === 0) quiet();
  }
  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 128) + "px";
  }
  function submit() {
    var text = input.value;
    if (!text.trim()) return;
    if (text.length > MAX_TEXT) return warn();
    input.value = "";
    keep();
    queue({text: text});
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); input.focus(); });
  input.addEventListener("input", keep);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  d.getElementById("lang").addEventListener("click", function () {
    queue({action: "g:language", label: S.language});
  });
  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    file.value = "";
    if (!f) return;
    if (ACCEPT.indexOf(f.type) < 0) return say(S.badType);
    if (f.size > MAX_BYTES) return say(S.tooBig);
    if (!f.size) return say(S.emptyFile);
    var tmp = {id: newId(), label: "📎 " + f.name};
    pending(tmp);
    mark(S.uploading);
    fetch(API + "/uploads", {method: "POST", body: f, credentials: "same-origin", headers: {
      "Content-Type": f.type, "X-File-Name": encodeURIComponent(f.name), "X-CSRF-Token": CSRF
    }}).then(function (r) {
      drop(tmp.id);
      if (r.ok) return r.json().then(function (u) { queue({upload: u.id, label: "📎 " + u.name}); });
      say({415: S.badType, 413: S.tooBig, 429: S.rateLimited, 400: S.emptyFile}[r.status] ||
        S.uploadFailed);
    }, function () {
      drop(tmp.id);
      say(S.uploadFailed);
    });
  });
  window.addEventListener("online", wake);
  d.addEventListener("visibilitychange", function () { if (!d.hidden) wake(); });

  function start() {
    call("GET", "/messages?after=0", null, null, 30000).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      show(data.messages);
      outbox.forEach(function (m) {
        if (!m.silent && !log.querySelector('[data-mid="' + m.id + '"]')) pending(m);
      });
      if (!data.messages.length && !outbox.length) queue({text: "menu", silent: true});
      flush();
      poll();
    }).catch(function () {
      say(S.offline, true);
      setTimeout(start, 5000);
    });
  }
  input.value = load("draft") || "";
  if (input.value) grow();
  start();
}());
