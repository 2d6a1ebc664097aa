// An import's progress followed in place while the file is checked, with no reload the reader
// did not ask for (WCAG 2.2.1; without a script the page's «обновить» link does the same).
(function () {
  async function follow() {
    const answer = await fetch(location.href, { credentials: "same-origin" });
    if (!answer.ok) return;
    const next = new DOMParser().parseFromString(await answer.text(), "text/html");
    document.querySelector("main").replaceWith(next.querySelector("main"));
    document.title = next.title;
    if (document.querySelector("progress")) setTimeout(follow, 2000);
  }
  setTimeout(follow, 2000);
})();
