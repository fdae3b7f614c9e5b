// The console's HTML: escaping (every text that reaches a page goes through escape), times, the
// page shell with its one CSS block, and the small forms its buttons are.
#pragma once

#include <cstdint>
#include <string>

namespace sluice::console {

// &, <, >, " and ' as entities: safe in text and in quoted attribute values.
std::string escape(const std::string& text);
// Percent-encodes everything but unreserved characters: a path segment or a query value.
std::string urlPart(const std::string& text);
// "2026-12-03 23:40:12 UTC"; "-" for 0.
std::string timeText(int64_t ms);
// "45s", "3m 12s", "2h 5m", "4d 3h"; "-" when negative (never).
std::string ageText(int64_t ms);

// What every page has around its body.
struct Chrome {
  std::string title;
  std::string active;      // the nav entry to mark: "flows", "dead", "ops"
  int refreshSeconds = 0;  // > 0: the page reloads itself (meta refresh)
  bool tokenSet = false;   // a console token is configured (else: read-only)
  bool signedIn = false;   // this browser gave it
  std::string csrf;        // the form token of the sign-out button
  std::string notice;      // a line above the body (after an action)
};

std::string page(const Chrome& chrome, const std::string& body);

// A button that POSTs to action with the CSRF token; confirmText asks first (inline JS).
std::string postButton(const std::string& action, const std::string& label, const std::string& csrf,
                       const std::string& confirmText = "", const std::string& cssClass = "");

// <span class="state s-ok">ok</span>: a flow state, coloured by kind.
std::string stateBadge(const std::string& state);

}  // namespace sluice::console
