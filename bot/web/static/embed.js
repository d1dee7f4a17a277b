/* OCOP web chat for other websites. Paste
     <script src="https://YOUR-BOT-HOST/chat/embed.js" async></script>
   to get a floating button that opens the chat in a panel (full screen on phones).
   Options on the script tag: data-lang="en", data-label="…", data-position="left". */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.ocopChatEmbedded) return;
  window.ocopChatEmbedded = true;
  var origin = script.src.replace(/^(https?:\/\/[^\/]+).*$/, "$1");
  var en = script.getAttribute("data-lang") === "en";
  var label = script.getAttribute("data-label") || (en ? "Ask about OCOP" : "Hỏi đáp OCOP");
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  var panel = null, frame = null, shown = false;

  function css(node, rules) {
    for (var k in rules) node.style[k] = rules[k];
    return node;
  }
  var font = "600 15px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif";
  var button = css(document.createElement("button"), {
    position: "fixed", bottom: "16px", zIndex: "2147483000", padding: "12px 16px",
    border: "0", borderRadius: "24px", background: "#0b6e4f", color: "#fff", font: font,
    boxShadow: "0 2px 10px rgba(0,0,0,.3)", cursor: "pointer"
  });
  button.style[side] = "16px";
  button.type = "button";
  button.textContent = "💬 " + label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-testid", "ocop-chat-button");

  function layout() {
    if (!panel) return;
    var phone = window.innerWidth < 520;
    css(panel, phone
      ? {top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%", borderRadius: "0"}
      : {top: "auto", bottom: "16px", left: "auto", right: "auto", width: "380px",
         height: "min(640px, calc(100vh - 32px))", borderRadius: "12px"});
    if (!phone) panel.style[side] = "16px";
  }
  function build() {
    panel = css(document.createElement("div"), {
      position: "fixed", zIndex: "2147483001", display: "flex", flexDirection: "column",
      overflow: "hidden", background: "#fff", boxShadow: "0 4px 24px rgba(0,0,0,.35)"
    });
    panel.setAttribute("data-testid", "ocop-chat-panel");
    var close = css(document.createElement("button"), {
      flex: "none", padding: "8px 12px", border: "0", background: "#084f39", color: "#fff",
      font: font, textAlign: "right", cursor: "pointer"
    });
    close.type = "button";
    close.textContent = (en ? "Close" : "Đóng") + " ✕";
    close.addEventListener("click", toggle);
    frame = css(document.createElement("iframe"), {flex: "1", width: "100%", border: "0"});
    frame.title = label;
    frame.src = origin + "/chat" + (en ? "?lang=en" : "");
    panel.appendChild(close);
    panel.appendChild(frame);
    document.body.appendChild(panel);
    layout();
  }
  function toggle() {
    shown = !shown;
    if (shown && !panel) build();   // the chat loads only when someone opens it
    panel.style.display = shown ? "flex" : "none";
    button.style.display = shown ? "none" : "block";
    button.setAttribute("aria-expanded", String(shown));
    if (!shown) button.focus();
  }
  button.addEventListener("click", toggle);
  window.addEventListener("resize", layout);
  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
}());
