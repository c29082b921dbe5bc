// The demo page: one chat per person, drawn from /api/chat; what is typed or pressed goes to
// the demo, which hands it to the bot as Telegram would.
(function () {
  "use strict";
  const {people, texts} = window.DEMO;
  const $ = (id) => document.getElementById(id);
  let current = people[0].id;
  let version = -1;
  let toasts = {};
  const seen = {};
  let counts = {};

  function post(path, fields) {
    const body = new URLSearchParams(Object.assign({u: current}, fields));
    return fetch(path, {method: "POST", body}).then((r) => {
      if (!r.ok && r.status !== 204) return r.text().then((t) => showToast(t));
      version = -1;
      setTimeout(poll, 150);
    }).catch(() => showToast(texts.gagal));
  }

  function showToast(text) {
    if (!text) return;
    const t = $("toast");
    t.textContent = text;
    t.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(() => { t.hidden = true; }, 2500);
  }

  function tabs() {
    const nav = $("tabs");
    nav.innerHTML = "";
    for (const p of people) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = (p.admin ? "🛡 " : "👤 ") + p.name;
      b.title = p.admin ? texts.admin : texts.peserta;
      b.className = p.id === current ? "on" : (counts[p.id] > (seen[p.id] || 0) ? "unread" : "");
      b.dataset.person = p.id;
      b.onclick = () => { current = p.id; version = -1; tabs(); poll(); };
      nav.appendChild(b);
    }
  }

  function button(b, msgID) {
    if (b.url) {
      const a = document.createElement("a");
      a.href = b.url; a.target = "_blank"; a.rel = "noopener"; a.textContent = b.text + " ↗";
      return a;
    }
    const el = document.createElement("button");
    el.type = "button";
    el.textContent = b.text;
    el.onclick = () => post("/api/press", {msg: msgID, data: b.data});
    return el;
  }

  function render(chat) {
    $("clock").textContent = chat.clock;
    const main = $("chat");
    const atBottom = main.scrollHeight - main.scrollTop - main.clientHeight < 80;
    main.innerHTML = "";
    if (!chat.entries || chat.entries.length === 0) {
      const e = document.createElement("div");
      e.className = "empty";
      e.textContent = texts.kosong;
      const start = document.createElement("button");
      start.type = "button"; start.textContent = texts.mulai;
      start.onclick = () => post("/api/send", {text: "/start"});
      e.appendChild(document.createElement("br"));
      e.appendChild(start);
      main.appendChild(e);
    }
    for (const m of chat.entries || []) {
      const d = document.createElement("div");
      d.className = "msg " + (m.from_user ? "user" : "bot");
      d.dataset.id = m.id;
      if (m.photo) {
        const img = document.createElement("img");
        img.src = "/api/file?u=" + current + "&msg=" + m.id + "&v=" + chat.version;
        img.alt = "";
        d.appendChild(img);
      }
      if (m.file) {
        const a = document.createElement("a");
        a.className = "file";
        a.href = "/api/file?u=" + current + "&msg=" + m.id;
        a.textContent = "📄 " + m.file + " · " + texts.unduh;
        d.appendChild(a);
        d.appendChild(document.createElement("br"));
      }
      const body = document.createElement("span");
      if (m.from_user) body.textContent = new DOMParser().parseFromString(m.html, "text/html").body.textContent;
      else body.innerHTML = m.html; // already reduced by the server to Telegram's few tags
      d.appendChild(body);
      if (m.edited) {
        const e = document.createElement("span");
        e.className = "edited"; e.textContent = texts.disunting;
        d.appendChild(e);
      }
      if (m.buttons) {
        const kb = document.createElement("div");
        kb.className = "inline";
        for (const row of m.buttons) {
          const r = document.createElement("div");
          r.className = "row";
          for (const b of row) r.appendChild(button(b, m.id));
          kb.appendChild(r);
        }
        d.appendChild(kb);
      }
      main.appendChild(d);
    }
    const kb = $("keyboard");
    kb.innerHTML = "";
    for (const row of chat.keyboard || []) {
      const r = document.createElement("div");
      r.className = "row";
      for (const b of row) {
        const el = document.createElement("button");
        el.type = "button";
        el.textContent = b.text;
        el.onclick = () => b.contact ? post("/api/contact", {}) : post("/api/send", {text: b.text});
        r.appendChild(el);
      }
      kb.appendChild(r);
    }
    if (toasts[current] !== undefined && chat.toasts > toasts[current]) showToast(chat.toast);
    toasts[current] = chat.toasts;
    const last = (chat.entries || []).length;
    seen[current] = last;
    counts = chat.counts || {};
    tabs();
    if (atBottom || last) main.scrollTop = main.scrollHeight;
  }

  function poll() {
    fetch("/api/chat?u=" + current + "&v=" + version).then((r) => {
      if (r.status === 204) return null;
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then((chat) => {
      $("ribbon").classList.remove("down");
      if (chat) { version = chat.version; render(chat); }
    }).catch(() => showToast(texts.gagal));
  }

  $("composer").onsubmit = (e) => {
    e.preventDefault();
    const input = $("text");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    post("/api/send", {text});
  };
  $("file").onchange = () => {
    const f = $("file").files[0];
    if (!f) return;
    const body = new FormData();
    body.append("u", current);
    body.append("file", f);
    $("file").value = "";
    fetch("/api/upload", {method: "POST", body}).then((r) => {
      if (!r.ok) return r.text().then((t) => showToast(t));
      version = -1;
      setTimeout(poll, 150);
    }).catch(() => showToast(texts.gagal));
  };
  for (const b of document.querySelectorAll(".clock button")) {
    b.onclick = () => post("/api/clock", {step: b.dataset.step});
  }
  tabs();
  poll();
  setInterval(poll, 800);
})();
