// A tiny blocking HTTP client for the fake-server tests: one request per call, a fresh
// connection each time, transport failures reported instead of thrown (faults drop and
// truncate on purpose).
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <rapidjson/document.h>

namespace sluice::fakes::testing {

struct HttpResult {
  bool ok = false;  // a complete HTTP response arrived
  std::string error;
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // as sent

  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (Poco::icompare(k, name) == 0) return v;
    }
    return "";
  }
  // Parsed body; IsObject() is false when the body is not a JSON object.
  rapidjson::Document json() const {
    rapidjson::Document d;
    d.Parse(body.c_str(), body.size());
    if (d.HasParseError()) d.SetNull();
    return d;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpTestClient {
 public:
  explicit HttpTestClient(const std::string& baseUrl, Headers defaults = {})
      : uri_(baseUrl), defaults_(std::move(defaults)) {}

  void setDefault(const std::string& name, const std::string& value) {
    for (auto& [k, v] : defaults_) {
      if (k == name) {
        v = value;
        return;
      }
    }
    defaults_.emplace_back(name, value);
  }
  void removeDefault(const std::string& name) {
    for (auto it = defaults_.begin(); it != defaults_.end(); ++it) {
      if (it->first == name) {
        defaults_.erase(it);
        return;
      }
    }
  }

  HttpResult request(const std::string& method, const std::string& pathAndQuery,
                     const std::string& body = "", const std::string& contentType = "",
                     const Headers& extra = {}) const {
    HttpResult result;
    try {
      Poco::Net::HTTPClientSession session(uri_.getHost(), uri_.getPort());
      session.setTimeout(Poco::Timespan(10, 0));
      Poco::Net::HTTPRequest req(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
      for (const auto& [k, v] : defaults_) req.set(k, v);
      for (const auto& [k, v] : extra) req.set(k, v);
      if (!contentType.empty()) req.setContentType(contentType);
      if (!body.empty() || method == "POST" || method == "PUT") req.setContentLength(body.size());
      session.sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      std::istream& in = session.receiveResponse(resp);
      result.status = resp.getStatus();
      for (const auto& [k, v] : resp) result.headers[k] = v;
      Poco::StreamCopier::copyToString(in, result.body);
      result.ok = true;
    } catch (const Poco::Exception& e) {
      result.error = e.displayText();
    } catch (const std::exception& e) {
      result.error = e.what();
    }
    return result;
  }

  HttpResult get(const std::string& path, const Headers& extra = {}) const {
    return request("GET", path, "", "", extra);
  }
  HttpResult del(const std::string& path, const std::string& body = "",
                 const Headers& extra = {}) const {
    return request("DELETE", path, body, body.empty() ? "" : "application/json", extra);
  }
  HttpResult postForm(const std::string& path, const std::string& body,
                      const Headers& extra = {}) const {
    return request("POST", path, body, "application/x-www-form-urlencoded", extra);
  }
  HttpResult postJson(const std::string& path, const std::string& body,
                      const Headers& extra = {}) const {
    return request("POST", path, body, "application/json", extra);
  }
  HttpResult putJson(const std::string& path, const std::string& body,
                     const Headers& extra = {}) const {
    return request("PUT", path, body, "application/json", extra);
  }

 private:
  Poco::URI uri_;
  Headers defaults_;
};

inline std::string str(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject() || !obj.HasMember(key) || !obj[key].IsString()) return "";
  return obj[key].GetString();
}

}  // namespace sluice::fakes::testing
