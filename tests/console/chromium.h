// Headless Chromium driven over the Chrome DevTools protocol (a websocket, Poco's client), for
// the console's browser test: open a page, run a line of JavaScript in it, click and wait for
// the next page, take a screenshot. confirm() dialogs are accepted. The browser runs in its own
// process group, killed when the object goes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/json.h"
#include "test_support.h"

namespace Poco::Net {
class WebSocket;
class HTTPClientSession;
}  // namespace Poco::Net

namespace sluice::test {

class Chromium {
 public:
  // The chromium binary ($CHROMIUM, else chromium or chromium-browser on PATH); nullopt when
  // there is none.
  static std::optional<std::string> find();

  // Starts it headless with a window of width x height; throws std::runtime_error (with its
  // output) when it does not come up.
  Chromium(const std::string& binary, int width, int height);
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  // Loads url and waits for its load event.
  void open(const std::string& url);
  // The value of a JavaScript expression, as text (JSON for objects).
  std::string eval(const std::string& expression);
  // Runs expression (a click, a submit) and waits for the page it leads to.
  void andWait(const std::string& expression);
  // Writes a PNG of the page as shown (fullPage: all of it) to path.
  void screenshot(const std::string& path, bool fullPage = false);
  // The window's size from now on (a phone: 390 x 844).
  void resize(int width, int height);

 private:
  // Sends one command and waits for its answer (events meanwhile: see onEvent).
  void call(const std::string& method, const std::string& paramsJson, JsonDoc* result = nullptr);
  // Reads one message; false on timeout.
  bool receive(JsonDoc& message);
  void onEvent(const JsonDoc& event);
  void waitForLoad();
  void connect();
  std::string devtools(const std::string& path);

  TempDir dir_;
  int pid_ = -1;
  int port_ = 0;
  int nextId_ = 1;
  bool loaded_ = false;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::unique_ptr<Poco::Net::WebSocket> socket_;
};

}  // namespace sluice::test
