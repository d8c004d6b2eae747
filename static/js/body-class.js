// Runs first thing in <body>: tells GOV.UK Frontend's CSS that JavaScript is available (kept out of the page for CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
