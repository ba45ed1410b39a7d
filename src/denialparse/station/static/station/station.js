// denialparse front desk: small enhancements over plain HTML forms (everything works without).
// No inline script anywhere: the Content-Security-Policy allows only this file.
"use strict";

// Worklist: drop files on the upload form to send them.
function enhanceUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const hint = document.getElementById("drop-hint");
  if (hint) hint.hidden = false;
  ["dragenter", "dragover"].forEach((type) =>
    form.addEventListener(type, (e) => { e.preventDefault(); form.classList.add("dropping"); }));
  ["dragleave", "drop"].forEach((type) =>
    form.addEventListener(type, () => form.classList.remove("dropping")));
  form.addEventListener("drop", (e) => {
    e.preventDefault();
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    input.files = e.dataTransfer.files;
    form.submit();
  });
}

// Review page while the letter is read: ask the station to answer when it is done (a long
// poll: the request waits on the server) and reload then.
function waitForReading() {
  const wait = document.getElementById("wait");
  if (!wait) return;
  const url = wait.dataset.statusUrl + "?wait=15";
  const poll = () => {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .then((s) => {
        if (s && s.status !== "queued" && s.status !== "reading") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, s ? 0 : 2000);
      })
      .catch(() => window.setTimeout(poll, 2000));
  };
  poll();
}

// Review page: focusing a field outlines where it was read and scrolls the page there.
function showBox(field) {
  document.querySelectorAll(".page .box").forEach((b) => { b.hidden = true; });
  document.querySelectorAll(".field.current").forEach((f) => f.classList.remove("current"));
  field.classList.add("current");
  const page = document.getElementById("page-" + field.dataset.page);
  if (!page) return;
  const box = page.querySelector(".box");
  const parts = (field.dataset.box || "").split(",").map(Number);
  if (parts.length === 4 && parts.every((n) => Number.isFinite(n))) {
    const pad = 0.004;
    box.style.left = (parts[0] - pad) * 100 + "%";
    box.style.top = (parts[1] - pad) * 100 + "%";
    box.style.width = (parts[2] + 2 * pad) * 100 + "%";
    box.style.height = (parts[3] + 2 * pad) * 100 + "%";
    box.hidden = false;
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  } else {
    page.scrollIntoView({ block: "start", behavior: "smooth" });
  }
}

function enhanceReview() {
  document.querySelectorAll(".field").forEach((field) => {
    field.addEventListener("focusin", () => showBox(field));
    field.addEventListener("click", () => showBox(field));
  });
}

// Ask before deleting (the form still works without JavaScript).
function confirmDeletes() {
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });
}

// Worklist filter: change the status and the list follows.
function autoFilter() {
  const select = document.querySelector("form.filter select");
  if (select) select.addEventListener("change", () => select.form.submit());
}

document.addEventListener("DOMContentLoaded", () => {
  enhanceUpload();
  waitForReading();
  enhanceReview();
  confirmDeletes();
  autoFilter();
});
