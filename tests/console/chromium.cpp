#include "console/chromium.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Buffer.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sluice::test {

namespace {

constexpr int kWaitMs = 30000;  // the bound of every wait (a slow, shared machine)

bool executable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

std::string quoted(const std::string& text) {
  JsonDoc doc;
  return toJson(jsonString(text, doc.GetAllocator()));
}

}  // namespace

std::optional<std::string> Chromium::find() {
  if (const char* env = std::getenv("CHROMIUM"); env && executable(env)) return std::string(env);
  for (const char* name : {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                           "/usr/lib/chromium/chromium", "/usr/bin/google-chrome"})
    if (executable(name)) return std::string(name);
  return std::nullopt;
}

Chromium::Chromium(const std::string& binary, int width, int height) {
  const std::string log = dir_.path() + "/chromium.log";
  std::vector<std::string> args = {
      binary,
      "--headless=new",
      "--no-sandbox",  // as root in a container
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--hide-scrollbars",
      "--remote-allow-origins=*",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "--user-data-dir=" + dir_.path() + "/profile",
      "--window-size=" + std::to_string(width) + "," + std::to_string(height),
      "about:blank"};
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  static const std::regex listening(R"(DevTools listening on ws://127\.0\.0\.1:([0-9]+)/)");
  for (int waited = 0; waited < kWaitMs && port_ == 0; waited += 100) {
    std::smatch m;
    const std::string text = readFile(log);
    if (std::regex_search(text, m, listening)) port_ = std::stoi(m[1]);
    if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (port_ == 0) throw std::runtime_error("chromium did not start:\n" + readFile(log));
  connect();
}

Chromium::~Chromium() {
  socket_.reset();
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);  // the browser and the helpers it started (its own group)
    waitpid(pid_, nullptr, 0);
  }
}

// GET path from chromium's DevTools HTTP endpoint: its body.
std::string Chromium::devtools(const std::string& path) {
  Poco::Net::HTTPClientSession http("127.0.0.1", static_cast<Poco::UInt16>(port_));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  http.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(http.receiveResponse(response), body);
  return body.str();
}

void Chromium::connect() {
  // The page chromium opened (about:blank): its websocket.
  std::ostringstream body;
  try {
    body << devtools("/json/list");
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("chromium /json/list: " + e.displayText());
  }
  JsonDoc targets;
  if (parseJson(body.str(), targets) || !targets.IsArray())
    throw std::runtime_error("chromium /json/list: " + body.str());
  std::string path;
  for (const auto& t : targets.GetArray())
    if (path.empty() && std::string(t["type"].GetString()) == "page")
      path =
          std::regex_replace(t["webSocketDebuggerUrl"].GetString(), std::regex("^ws://[^/]+"), "");
  if (path.empty()) throw std::runtime_error("chromium has no page: " + body.str());
  session_ =
      std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(port_));
  Poco::Net::HTTPRequest upgrade(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse answer;
  try {
    socket_ = std::make_unique<Poco::Net::WebSocket>(*session_, upgrade, answer);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("chromium websocket " + path + ": " + e.displayText());
  }
  socket_->setReceiveTimeout(Poco::Timespan(1, 0));
  socket_->setMaxPayloadSize(64 * 1024 * 1024);  // full-page screenshots
  call("Page.enable", "{}");
  call("Runtime.enable", "{}");
}

bool Chromium::receive(JsonDoc& message) {
  Poco::Buffer<char> buffer(0);
  int flags = 0;
  try {
    const int n = socket_->receiveFrame(buffer, flags);
    if (n <= 0) return false;
  } catch (const Poco::TimeoutException&) {
    return false;
  }
  return !parseJson(std::string(buffer.begin(), buffer.size()), message);
}

void Chromium::onEvent(const JsonDoc& event) {
  const std::string method = event["method"].GetString();
  if (method == "Page.loadEventFired") loaded_ = true;
  if (method == "Page.javascriptDialogOpening") {
    const std::string accept = R"({"id":)" + std::to_string(nextId_++) + R"(,"method":)" +
                               R"("Page.handleJavaScriptDialog","params":{"accept":true}})";
    socket_->sendFrame(accept.data(), static_cast<int>(accept.size()));
  }
}

void Chromium::call(const std::string& method, const std::string& paramsJson, JsonDoc* result) {
  const int id = nextId_++;
  const std::string message = R"({"id":)" + std::to_string(id) + R"(,"method":")" + method +
                              R"(","params":)" + paramsJson + "}";
  socket_->sendFrame(message.data(), static_cast<int>(message.size()));
  for (int waited = 0; waited < kWaitMs; waited += 1000) {
    JsonDoc reply;
    while (receive(reply)) {
      if (reply.HasMember("method")) {
        onEvent(reply);
      } else if (reply.HasMember("id") && reply["id"].GetInt() == id) {
        if (reply.HasMember("error"))
          throw std::runtime_error(method + ": " + toJson(reply["error"]));
        if (result) result->CopyFrom(reply["result"], result->GetAllocator());
        return;
      }
    }
  }
  throw std::runtime_error(method + ": no answer from chromium");
}

void Chromium::waitForLoad() {
  for (int waited = 0; waited < kWaitMs && !loaded_; waited += 1000) {
    JsonDoc event;
    while (!loaded_ && receive(event))
      if (event.HasMember("method")) onEvent(event);
  }
  if (!loaded_) throw std::runtime_error("chromium: the page did not load");
}

void Chromium::open(const std::string& url) {
  loaded_ = false;
  call("Page.navigate", R"({"url":)" + quoted(url) + "}");
  waitForLoad();
}

std::string Chromium::eval(const std::string& expression) {
  JsonDoc result;
  call("Runtime.evaluate",
       R"({"returnByValue":true,"awaitPromise":true,"expression":)" + quoted(expression) + "}",
       &result);
  if (result.HasMember("exceptionDetails"))
    throw std::runtime_error("JavaScript: " + toJson(result["exceptionDetails"]));
  const JsonValue& value = result["result"];
  if (!value.HasMember("value")) return "";
  return jsonText(value["value"]);
}

void Chromium::andWait(const std::string& expression) {
  loaded_ = false;
  eval("setTimeout(() => { " + expression + "; }, 0); true");
  waitForLoad();
}

void Chromium::screenshot(const std::string& path, bool fullPage) {
  JsonDoc result;
  call("Page.captureScreenshot",
       std::string(R"({"format":"png","captureBeyondViewport":)") + (fullPage ? "true" : "false") +
           "}",
       &result);
  std::istringstream base64(result["data"].GetString());
  Poco::Base64Decoder decoder(base64);
  std::ofstream out(path, std::ios::binary);
  Poco::StreamCopier::copyStream(decoder, out);
  if (!out) throw std::runtime_error("cannot write " + path);
}

void Chromium::resize(int width, int height) {
  call("Emulation.setDeviceMetricsOverride",
       R"({"width":)" + std::to_string(width) + R"(,"height":)" + std::to_string(height) +
           R"(,"deviceScaleFactor":1,"mobile":)" + (width < 600 ? "true" : "false") + "}");
}

}  // namespace sluice::test
