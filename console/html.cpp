#include "console/html.h"

#include <cctype>

#include "core/iso_time.h"

namespace sluice::console {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string urlPart(const std::string& text) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string timeText(int64_t ms) {
  if (ms <= 0) return "-";
  std::string iso = formatIsoSeconds(ms);  // 2026-12-03T23:40:12Z
  if (iso.size() == 20) iso = iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
  return iso;
}

std::string ageText(int64_t ms) {
  if (ms < 0) return "-";
  const int64_t s = ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

namespace {

// One block for every page: readable from a phone (the tables scroll sideways in their box,
// the text wraps) to a wide screen.
const char* const kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center}
header a{color:#cfd6e4;text-decoration:none}header a.on,header a:hover{color:#fff;text-decoration:underline}
header .brand{font-weight:700;color:#fff;margin-right:.5em}header .who{margin-left:auto;font-size:.9em}
main{padding:1em;max-width:1200px;margin:0 auto}
h1{font-size:1.3em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:1.4em 0 .5em}
.box{background:#fff;border:1px solid #dde1e8;border-radius:6px;overflow-x:auto;margin-bottom:1em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45em .7em;border-bottom:1px solid #eceef2;vertical-align:top}
th{font-size:.8em;text-transform:uppercase;letter-spacing:.03em;color:#5b6477;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.state{display:inline-block;padding:.05em .5em;border-radius:1em;font-size:.85em;white-space:nowrap;background:#e8ebf0}
.s-ok{background:#d9f2e1;color:#135b2c}.s-failing{background:#fff1cc;color:#6b4e00}
.s-bad{background:#fbdada;color:#8a1414}.s-paused{background:#dfe7fb;color:#1b3f8f}
.err{color:#8a1414}.muted{color:#6b7385}
pre{white-space:pre-wrap;word-break:break-word;background:#f7f8fa;padding:.6em;border-radius:4px;margin:.3em 0;font-size:.85em}
form.inline{display:inline;margin:0}
button{font:inherit;padding:.3em .8em;border-radius:4px;border:1px solid #8793a8;background:#fff;cursor:pointer}
button.danger{border-color:#b33;color:#8a1414}button.primary{background:#1d2330;color:#fff}
.notice{background:#d9f2e1;border:1px solid #a6dcb6;padding:.5em .8em;border-radius:4px;margin-bottom:1em}
.filters{display:flex;flex-wrap:wrap;gap:.5em;margin-bottom:1em}
.filters input,.filters select,.login input{font:inherit;padding:.3em .5em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em;margin:0;padding:.7em}dt{color:#5b6477}dd{margin:0;word-break:break-word}
@media (max-width:640px){body{font-size:14px}main{padding:.6em}th,td{padding:.35em .45em}
dl{grid-template-columns:1fr}dt{margin-top:.4em}}
)css";

// A JavaScript string literal of text (then HTML-escaped for its attribute).
std::string jsString(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'' || c == '"') out += '\\';
    if (c == '<') {
      out += "\\u003c";
      continue;
    }
    out += c == '\n' ? ' ' : c;
  }
  return out + "'";
}

std::string navLink(const Chrome& c, const std::string& key, const std::string& href,
                    const std::string& label) {
  return "<a href=\"" + href + "\"" + (c.active == key ? " class=\"on\"" : "") + ">" + label +
         "</a>";
}

std::string whoBox(const Chrome& c) {
  if (!c.tokenSet) return "<span class=\"who muted\">read-only</span>";
  if (!c.signedIn) return "<span class=\"who\"><a href=\"/login\">sign in</a></span>";
  return "<span class=\"who\">" + postButton("/logout", "sign out", c.csrf) + "</span>";
}

}  // namespace

std::string page(const Chrome& c, const std::string& body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (c.refreshSeconds > 0)
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(c.refreshSeconds) + "\">";
  out += "<title>" + escape(c.title) + " - sluice</title><style>" + kStyle + "</style></head>";
  out += "<body><header><span class=\"brand\">sluice</span>" + navLink(c, "flows", "/", "Flows") +
         navLink(c, "dead", "/dead-letters", "Dead letters") +
         navLink(c, "ops", "/ops", "Catalog") + whoBox(c) + "</header><main>";
  if (!c.notice.empty())
    out += "<div class=\"notice\" id=\"notice\">" + escape(c.notice) + "</div>";
  return out + body + "</main></body></html>\n";
}

std::string postButton(const std::string& action, const std::string& label, const std::string& csrf,
                       const std::string& confirmText, const std::string& cssClass) {
  std::string form = "<form class=\"inline\" method=\"post\" action=\"" + escape(action) + "\"";
  if (!confirmText.empty())
    form += " onsubmit=\"return confirm(" + escape(jsString(confirmText)) + ")\"";
  form += "><input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\"><button";
  if (!cssClass.empty()) form += " class=\"" + escape(cssClass) + "\"";
  return form + " type=\"submit\">" + escape(label) + "</button></form>";
}

std::string stateBadge(const std::string& state) {
  std::string kind = "s-other";
  if (state == "ok") kind = "s-ok";
  if (state == "failing") kind = "s-failing";
  if (state == "STALE" || state == "LATE") kind = "s-bad";
  if (state == "paused") kind = "s-paused";
  return "<span class=\"state " + kind + "\">" + escape(state) + "</span>";
}

}  // namespace sluice::console
