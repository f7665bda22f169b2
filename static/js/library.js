/* The library page: ask before deleting a story (forms with data-confirm). An ES module. */
document.addEventListener("submit", function (e) {
  const form = e.target;
  const question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) e.preventDefault();
});
