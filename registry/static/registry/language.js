// The language switch in the header submits its form when a language is chosen (no inline
// handler, so the Content-Security-Policy needs no 'unsafe-inline' for scripts).
document.addEventListener("change", (event) => {
  if (event.target.matches(".language-switcher select")) {
    event.target.form.submit();
  }
});
