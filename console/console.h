// The web console of `sluice run`, on its admin address (service/admin_server.h): the flows'
// overview, a flow's page, the dead letters and the catalog, made as HTML by sluice from the
// state store and the running config, with no JavaScript beyond a confirm(). Changes (replay,
// cursor reset, pause, resume) need settings.console_token (console/console_auth.h); without it
// the console is read-only. One Console per runner: `sluice run` attaches a new one after a
// reload, since it reads the config the runner runs.
//   GET  /  /flows/NAME  /dead-letters[?flow=NAME]  /ops[?app=&kind=&category=&search=]
//        /ops/OP  /login
//   POST /login  /logout  /flows/NAME/pause|resume|cursor-reset
//        /dead-letters/ID/replay  /dead-letters/replay-all
#pragma once

#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "console/console_auth.h"
#include "console/pages.h"
#include "core/clock.h"
#include "service/admin_server.h"
#include "state/state_store.h"

namespace sluice::console {

class Console : public AdminPages {
 public:
  // processSecret: newProcessSecret(), one per process (sessions survive a reload).
  Console(const Catalog& catalog, const Config& config, StateStore& state, const Clock& clock,
          const std::string& processSecret);

  HttpResponse serve(const HttpRequest& request, const std::string& remote) override;

 private:
  PageContext context(const HttpRequest& request, const std::map<std::string, std::string>& query);
  HttpResponse get(const std::vector<std::string>& path, const PageContext& ctx);
  HttpResponse post(const HttpRequest& request, const std::vector<std::string>& path,
                    const std::string& remote, const PageContext& ctx);
  HttpResponse signIn(const std::map<std::string, std::string>& form, const std::string& remote,
                      const PageContext& ctx);

  const Catalog& catalog_;
  const Config& config_;
  StateStore& state_;
  const Clock& clock_;
  ConsoleAuth auth_;
};

}  // namespace sluice::console
