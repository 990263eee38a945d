// Keep deadline countdowns current without reloading the page.
(function () {
  const zh = !document.documentElement.lang.startsWith("en");
  function text(ms) {
    if (ms <= 0) return zh ? "已逾期" : "deadline passed";
    const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d) return zh ? `剩 ${d} 天 ${h} 小時` : `${d} day${d === 1 ? "" : "s"} ${h} h left`;
    return zh ? `剩 ${h} 小時 ${m} 分` : `${h} h ${m} min left`;
  }
  function tick() {
    document.querySelectorAll("time[data-deadline]").forEach((el) => {
      const badge = el.querySelector(".deadline-countdown");
      if (badge) badge.textContent = text(new Date(el.getAttribute("datetime")) - new Date());
    });
  }
  document.addEventListener("DOMContentLoaded", () => { tick(); setInterval(tick, 60000); });
})();

// A select marked data-autosubmit submits its form when changed (no inline handlers:
// the Content-Security-Policy allows no inline script).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});

// A button marked data-print prints the page (the printable statement).
document.addEventListener("click", (event) => {
  const target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
