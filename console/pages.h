// The console's pages, one per file; each returns the page's HTML (console/html.h's shell
// around its body), or nullopt when what it names does not exist (404).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "console/html.h"
#include "state/state_store.h"

namespace sluice::console {

// What a page reads: the running config and catalog, the store, and who is asking.
struct PageContext {
  const Catalog& catalog;
  const Config& config;
  StateStore& state;
  int64_t nowMs = 0;
  std::map<std::string, std::string> query;  // the GET parameters, decoded
  Chrome chrome;  // tokenSet, signedIn (the buttons show only then), csrf, notice

  bool canChange() const { return chrome.signedIn; }
  std::string param(const std::string& name) const {
    const auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
};

// How often the pages that show live state reload themselves.
constexpr int kRefreshSeconds = 10;

std::string overviewPage(PageContext ctx);
std::optional<std::string> flowPage(PageContext ctx, const std::string& flow);
std::string deadLettersPage(PageContext ctx);
std::string opsPage(PageContext ctx);
std::optional<std::string> opPage(PageContext ctx, const std::string& id);
std::string loginPage(PageContext ctx, const std::string& error);

}  // namespace sluice::console
