/* The library page (an ES module): ask before deleting a story (forms with data-confirm); the
   upload form's busy state and byte progress (library/upload.js); the state of stories being
   analysed, kept up to date without a reload (library/jobs.js). */
import { watchUploads } from "./library/upload.js";
import { watchJobs } from "./library/jobs.js";

document.addEventListener("submit", function (e) {
  const form = e.target;
  const question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) e.preventDefault();
});

watchUploads(document);
watchJobs(document);
