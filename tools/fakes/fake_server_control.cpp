// FakeServer's /_control/ interface: the server's own routes first (handleControl), then the
// common ones (effects, requests, faults, reset, health, clock), then records by kind.
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_server.h"

namespace sluice::fakes {

HttpResponse FakeServer::serveControl(const HttpRequest& req) {
  std::vector<std::string> segs = splitPath(req.path);
  segs.erase(segs.begin());  // "_control"
  std::lock_guard<std::recursive_mutex> lock(mu_);
  try {
    return scopeControl(req, [&] {
      HttpResponse resp;
      if (!segs.empty() && handleControl(req, segs, resp)) return resp;
      if (auto common = controlCommon(req, segs)) return *common;
      return controlRecords(req, segs);
    });
  } catch (const ControlError& e) {
    rapidjson::Document doc;
    doc.SetObject();
    json::setString(doc, "error", e.what(), doc.GetAllocator());
    return HttpResponse::json(e.status(), doc);
  }
}

std::optional<HttpResponse> FakeServer::controlCommon(const HttpRequest& req,
                                                      const std::vector<std::string>& segs) {
  if (segs.size() != 1) return std::nullopt;
  const std::string& what = segs[0];
  const std::string& m = req.method;
  if (what == "effects" && m == "GET") return HttpResponse::json(200, effects_.toJson());
  if (what == "requests" && m == "GET") return HttpResponse::json(200, counts_.toJson());
  if ((what == "effects" || what == "requests") && m == "DELETE") {
    clearCounters();
    return HttpResponse::json(200, "{\"ok\":true}");
  }
  if (what == "faults" && m == "POST") {
    addFaultJson(req.body);
    return HttpResponse::json(200, faults_.toJson());
  }
  if (what == "faults" && m == "DELETE") {
    faults_.clear();
    return HttpResponse::json(200, faults_.toJson());
  }
  if (what == "faults" && m == "GET") return HttpResponse::json(200, faults_.toJson());
  if (what == "reset" && m == "POST") {
    reset();
    return HttpResponse::json(200, "{\"ok\":true}");
  }
  if (what == "health") return HttpResponse::json(200, "{\"ok\":true}");
  if (what == "clock") {
    if (m == "POST") {
      rapidjson::Document body = parseFields(req.body);
      if (json::has(body, "now")) {
        clock_.pin(json::getInt(body, "now"));
      } else {
        clock_.unpin();
      }
    }
    return HttpResponse::json(200, "{\"now\":" + std::to_string(clock_.nowSeconds()) +
                                       ",\"pinned\":" + (clock_.pinned() ? "true" : "false") + "}");
  }
  return std::nullopt;
}

HttpResponse FakeServer::controlRecords(const HttpRequest& req,
                                        const std::vector<std::string>& segs) {
  if (segs.empty() || segs.size() > 2) throw ControlError(404, "unknown control path");
  const std::string& kind = segs[0];
  if (segs.size() == 1) {
    if (req.method == "GET") return HttpResponse::json(200, listRecords(kind));
    if (req.method == "POST") {
      rapidjson::Document fields = parseFields(req.body);
      return HttpResponse::json(201, controlCreate(kind, fields));
    }
    throw ControlError(405, "use GET or POST on /_control/" + kind);
  }
  const std::string& id = segs[1];
  if (req.method == "GET") {
    return HttpResponse::json(200, requireRecord(kind, id).doc);
  }
  if (req.method == "PATCH" || req.method == "POST" || req.method == "PUT") {
    rapidjson::Document fields = parseFields(req.body);
    return HttpResponse::json(200, controlUpdate(kind, id, fields));
  }
  if (req.method == "DELETE") {
    controlDelete(kind, id);
    return HttpResponse::json(200, "{\"deleted\":true}");
  }
  throw ControlError(405, "unsupported method");
}

}  // namespace sluice::fakes
