#include "tools/fakes/fake_http.h"

#include <algorithm>
#include <cctype>

#include "tools/fakes/fake_json.h"

namespace sluice::fakes {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

namespace {

bool isParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string HttpRequest::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

bool HttpRequest::hasHeader(const std::string& name) const {
  return headers.count(lower(name)) > 0;
}

std::string HttpRequest::param(const std::string& name, const std::string& def) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return def;
}

bool HttpRequest::hasParam(const std::string& name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return true;
  }
  return false;
}

void HttpResponse::setHeader(const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers) {
    if (lower(k) == lower(name)) {
      v = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (lower(k) == lower(name)) return v;
  }
  return "";
}

HttpResponse HttpResponse::json(int status, const rapidjson::Value& value) {
  return json(status, json::dump(value));
}

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler) {
  routes_.push_back(Route{method, pattern, splitPath(pattern), std::move(handler)});
}

std::optional<Router::Match> Router::match(const std::string& method,
                                           const std::string& path) const {
  std::vector<std::string> segments = splitPath(path);
  const Route* best = nullptr;
  std::vector<int> bestScore;
  for (const Route& route : routes_) {
    if (route.method != method || route.segments.size() != segments.size()) continue;
    std::vector<int> score;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      bool param = isParam(route.segments[i]);
      ok = param || route.segments[i] == segments[i];
      score.push_back(param ? 0 : 1);
    }
    if (ok && (!best || score > bestScore)) {
      best = &route;
      bestScore = score;
    }
  }
  if (!best) return std::nullopt;
  Match m;
  m.handler = &best->handler;
  m.pattern = best->pattern;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = best->segments[i];
    if (isParam(s)) m.params[s.substr(1, s.size() - 2)] = segments[i];
  }
  return m;
}

}  // namespace sluice::fakes
