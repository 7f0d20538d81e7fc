/* Zilu report entrance (Art. 17 of the Changping convention). A member puts
     <script src="https://ZILU/report/entrance.js" data-member="CP-2026-0001" async></script>
   on its pages; this draws the badge that opens the report form with the member preset. No inline code or style,
   nothing read from or sent about the visitor. */
(function () {
  var script = document.currentScript;
  if (!script) return;
  var number = (script.getAttribute("data-member") || "").trim();
  if (!/^[A-Za-z0-9-]{1,20}$/.test(number)) return;
  var base = script.src.replace(/\/report\/entrance\.js(?:[?#].*)?$/, "");
  var entrance = base + "/report/m/" + encodeURIComponent(number) + "/";
  var link = document.createElement("a");
  link.href = entrance;
  link.target = "_blank";
  link.rel = "noopener";
  link.className = "zilu-report-entrance";
  link.setAttribute("data-zilu-entrance", number);
  var img = document.createElement("img");
  img.src = entrance + "badge.svg";
  img.alt = "违法和不良信息举报 · " + number;
  img.width = 180;
  img.height = 48;
  link.appendChild(img);
  script.parentNode.insertBefore(link, script.nextSibling);
})();
