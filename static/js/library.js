/* The library page: ask before deleting a story (forms with data-confirm). An ES module. */
document.addEventListener("submit", function (e) {
  const form = e.target;
  const question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) e.preventDefault();
});

/* The upload form: while the file or text is sent (and stored), the button is disabled and
   says so, with a busy progress bar, so that no one sends it twice. */
document.addEventListener("submit", function (e) {
  const form = e.target;
  if (e.defaultPrevented || !form.classList || !form.classList.contains("upload-form")) return;
  const button = form.querySelector("#upload-submit");
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Sending…";
  }
  const bar = form.querySelector(".upload-progress");
  if (bar) bar.hidden = false;
});
