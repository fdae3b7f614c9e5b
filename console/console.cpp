#include "console/console.h"

#include "console/console_actions.h"
#include "core/error.h"
#include "core/form_decoding.h"
#include "core/logger.h"

namespace sluice::console {

namespace {

HttpHeaders consoleHeaders(const std::string& contentType) {
  return {{"Content-Type", contentType},
          {"Content-Security-Policy",
           "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
           "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"X-Frame-Options", "DENY"},
          {"Referrer-Policy", "same-origin"},
          {"Cache-Control", "no-store"}};
}

HttpResponse htmlPage(int status, const std::string& body) {
  return {status, consoleHeaders("text/html; charset=utf-8"), body};
}

HttpResponse textPage(int status, const std::string& message) {
  return {status, consoleHeaders("text/plain; charset=utf-8"), message + "\n"};
}

HttpResponse redirect(const std::string& location, const std::string& cookie = "") {
  HttpResponse r = textPage(303, "see " + location);
  r.headers.emplace_back("Location", location);
  if (!cookie.empty()) r.headers.emplace_back("Set-Cookie", cookie);
  return r;
}

std::string noticeText(const std::string& code) {
  static const std::map<std::string, std::string> kNotices = {
      {"paused", "Paused: nothing is polled or delivered for this flow until it is resumed."},
      {"resumed", "Resumed: its waiting items are delivered again."},
      {"cursor-reset", "Cursor reset: the next poll records what exists and fires nothing."},
      {"replayed", "Queued again: sluice run delivers it."},
      {"replayed-all", "Every dead letter is queued again."},
      {"replayed-flow", "This flow's dead letters are queued again."},
      {"signed-in", "Signed in."},
      {"signed-out", "Signed out."}};
  const auto it = kNotices.find(code);
  return it == kNotices.end() ? "" : it->second;
}

// The target of an absolute URL, split: its decoded path segments and query parameters.
void splitTarget(const std::string& url, std::vector<std::string>& path,
                 std::map<std::string, std::string>& query) {
  const size_t scheme = url.find("://");
  const size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const std::string target = start == std::string::npos ? "/" : url.substr(start);
  const size_t mark = target.find('?');
  const std::string rawPath = target.substr(0, mark);
  for (size_t at = 1; at <= rawPath.size();) {
    const size_t end = std::min(rawPath.find('/', at), rawPath.size());
    if (end > at) path.push_back(percentDecode(rawPath.substr(at, end - at), false));
    at = end + 1;
  }
  if (mark != std::string::npos)
    for (auto& pair : parseFormPairs(target.substr(mark + 1))) query[pair.key] = pair.value;
}

std::map<std::string, std::string> formOf(const std::string& body) {
  std::map<std::string, std::string> form;
  for (auto& pair : parseFormPairs(body)) form[pair.key] = pair.value;
  return form;
}

}  // namespace

Console::Console(const Catalog& catalog, const Config& config, StateStore& state,
                 const Clock& clock, const std::string& processSecret)
    : catalog_(catalog),
      config_(config),
      state_(state),
      clock_(clock),
      auth_(config.settings.consoleToken, processSecret) {}

PageContext Console::context(const HttpRequest& request,
                             const std::map<std::string, std::string>& query) {
  PageContext ctx{catalog_, config_, state_, clock_.nowMs(), query, {}};
  ctx.chrome.tokenSet = auth_.tokenSet();
  ctx.chrome.signedIn = auth_.signedIn(request);
  if (ctx.chrome.signedIn) ctx.chrome.csrf = auth_.csrf();
  ctx.chrome.notice = noticeText(ctx.param("done"));
  return ctx;
}

HttpResponse Console::serve(const HttpRequest& request, const std::string& remote) {
  std::vector<std::string> path;
  std::map<std::string, std::string> query;
  splitTarget(request.url, path, query);
  try {
    const PageContext ctx = context(request, query);
    if (request.method == "GET") return get(path, ctx);
    if (request.method == "POST") return post(request, path, remote, ctx);
    return textPage(405, "GET or POST only");
  } catch (const StateError& e) {
    logWarn("console.error", kv("error", e.what()));
    return textPage(503, "the state store did not answer: " + Logger::instance().mask(e.what()));
  }
}

HttpResponse Console::get(const std::vector<std::string>& path, const PageContext& ctx) {
  std::optional<std::string> body;
  if (path.empty()) body = overviewPage(ctx);
  if (path.size() == 2 && path[0] == "flows") body = flowPage(ctx, path[1]);
  if (path.size() == 1 && path[0] == "dead-letters") body = deadLettersPage(ctx);
  if (path.size() == 1 && path[0] == "ops") body = opsPage(ctx);
  if (path.size() == 2 && path[0] == "ops") body = opPage(ctx, path[1]);
  if (path.size() == 1 && path[0] == "login") body = loginPage(ctx, "");
  if (body) return htmlPage(200, *body);
  return textPage(404, "not found: the console has /, /flows/NAME, /dead-letters, /ops, /ops/OP");
}

HttpResponse Console::signIn(const std::map<std::string, std::string>& form,
                             const std::string& remote, const PageContext& ctx) {
  const auto given = form.find("token");
  if (given == form.end() || !auth_.tokenMatches(given->second)) {
    logWarn("console.signin.refused", kv("remote", remote));
    return htmlPage(403, loginPage(ctx, "That is not the console token."));
  }
  logInfo("console.signin", kv("remote", remote));
  return redirect("/?done=signed-in", std::string(ConsoleAuth::kCookie) + "=" + auth_.session() +
                                          "; Path=/; HttpOnly; SameSite=Strict");
}

HttpResponse Console::post(const HttpRequest& request, const std::vector<std::string>& path,
                           const std::string& remote, const PageContext& ctx) {
  if (!auth_.tokenSet())
    return textPage(403, "read-only console: settings.console_token is not set");
  if (!ConsoleAuth::sameOrigin(request)) {
    logWarn("console.refused", kv("reason", "cross-origin") + " " + kv("remote", remote));
    return textPage(403, "refused: the request did not come from this console (Origin/Referer)");
  }
  const auto form = formOf(request.body);
  if (path.size() == 1 && path[0] == "login") return signIn(form, remote, ctx);
  const auto csrf = form.find("csrf");
  if (!ctx.chrome.signedIn || csrf == form.end() || !auth_.csrfMatches(csrf->second)) {
    logWarn("console.refused",
            kv("reason", "not signed in or bad form token") + " " + kv("remote", remote));
    return textPage(403, "refused: sign in at /login first (or reload the page and try again)");
  }
  if (path.size() == 1 && path[0] == "logout")
    return redirect("/?done=signed-out", std::string(ConsoleAuth::kCookie) +
                                             "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  const ActionOutcome done = runAction(path, config_, catalog_, state_, ctx.nowMs, remote);
  if (!done.found) return textPage(404, "no such action");
  if (!done.ok) return textPage(404, "no such flow or dead letter");
  const char* join = done.location.find('?') == std::string::npos ? "?" : "&";
  return redirect(done.location + join + "done=" + done.done);
}

}  // namespace sluice::console
