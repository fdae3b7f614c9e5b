// Signing in: the console token (settings.console_token) once, for a session cookie; the
// token itself is never stored in the browser.
#include "console/pages.h"

namespace sluice::console {

std::string loginPage(PageContext ctx, const std::string& error) {
  std::string body = "<h1>Sign in</h1>";
  if (!ctx.chrome.tokenSet) {
    body +=
        "<p>This console is read-only: set <code>settings.console_token</code> "
        "(<code>{env: NAME}</code> or <code>{file: PATH}</code>) in the config to enable "
        "replay, cursor reset, pause and resume.</p>";
  } else {
    if (!error.empty()) body += "<p class=\"err\" id=\"login-error\">" + escape(error) + "</p>";
    body +=
        "<form class=\"login\" method=\"post\" action=\"/login\"><p><label>Console token "
        "<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" "
        "required></label></p><p><button class=\"primary\" type=\"submit\" id=\"sign-in\">"
        "Sign in</button></p></form>";
  }
  ctx.chrome.title = "Sign in";
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
