/* The upload form while it sends: the button is disabled and says so, so that no one sends it
   twice. A chosen file goes by XMLHttpRequest, whose upload progress events fill the <progress>
   bar with the bytes sent; pasted text is sent by the form itself (a busy bar). Without
   JavaScript the form posts as usual. */

const UNITS = ["bytes", "KB", "MB", "GB"];

/** "1.4 MB": a byte count for people. */
export function formatBytes(n) {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return (unit === 0 ? String(value) : value.toFixed(1)) + " " + UNITS[unit];
}

function setBusy(form, busy) {
  const button = form.querySelector("#upload-submit");
  if (button) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.disabled = busy;
    button.setAttribute("aria-busy", busy ? "true" : "false");
    button.textContent = busy ? "Sending…" : button.dataset.label;
  }
  const bar = form.querySelector(".upload-progress");
  if (bar) bar.hidden = !busy;
}

function say(form, text) {
  const status = form.querySelector(".upload-status");
  if (!status) return;
  status.hidden = !text;
  status.textContent = text;
}

function showBytes(form, loaded, total) {
  const bar = form.querySelector(".upload-progress");
  if (bar && total > 0) {
    bar.max = total;
    bar.value = loaded;
  }
  const percent = total > 0 ? Math.floor((100 * loaded) / total) : 0;
  const sent = formatBytes(loaded) + " of " + formatBytes(total) + " sent (" + percent + "%)";
  say(form, loaded >= total ? sent + "; storing the story…" : sent);
}

function errorMessage(xhr) {
  const doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const shown = doc.querySelector("#upload-error");
  return shown ? shown.textContent : "The story could not be added (HTTP " + xhr.status + ").";
}

function fail(form, message) {
  setBusy(form, false);
  say(form, "");
  let alert = form.querySelector(".upload-failure");
  if (!alert) {
    alert = document.createElement("p");
    alert.className = "alert alert-error upload-failure";
    alert.setAttribute("role", "alert");
    form.prepend(alert);
  }
  alert.textContent = message;
}

function send(form) {
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.setRequestHeader("Accept", "text/html");
  xhr.upload.addEventListener("progress", (e) => showBytes(form, e.loaded, e.lengthComputable ? e.total : 0));
  xhr.addEventListener("load", () => {
    if (xhr.status >= 200 && xhr.status < 400 && xhr.responseURL) {
      say(form, "Stored: opening the story…");
      window.location.assign(xhr.responseURL);
    } else {
      fail(form, errorMessage(xhr));
    }
  });
  xhr.addEventListener("error", () => fail(form, "The story could not be sent: the connection failed."));
  xhr.send(new FormData(form));
}

function onSubmit(e) {
  const form = e.target;
  if (e.defaultPrevented || !form.classList || !form.classList.contains("upload-form")) return;
  setBusy(form, true);
  const file = form.querySelector('input[type="file"]');
  if (file && file.files && file.files.length > 0) {
    e.preventDefault(); // sent by XMLHttpRequest, with byte progress
    const old = form.querySelector(".upload-failure");
    if (old) old.remove();
    showBytes(form, 0, file.files[0].size);
    send(form);
  }
}

/** Listen for the upload form's submission in ``root``. */
export function watchUploads(root) {
  root.addEventListener("submit", onSubmit);
}
