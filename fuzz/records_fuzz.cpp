// Fuzzes what sluice does with a server's response body: Connector::classify (JSON parsing and
// the app's error shape) for a few statuses, then the trigger poller's record extraction
// (records, record_id, version, order_by, has_more and cursor pointers) of every trigger of the
// real catalog. Expected failures are sluice errors; anything else escaping, a crash, a hang or
// a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "apps/connector.h"
#include "catalog/catalog.h"
#include "core/error.h"
#include "core/json.h"
#include "core/template.h"

namespace {

struct Fixture {
  sluice::Catalog catalog = sluice::Catalog::load(SLUICE_FUZZ_CATALOG);
  std::vector<sluice::Connection> connections;
  std::vector<std::unique_ptr<sluice::Connector>> connectors;
  std::vector<const sluice::Operation*> triggers;
  Fixture() {
    connections.reserve(catalog.apps().size());
    for (const auto& app : catalog.apps()) {
      sluice::Connection c;
      c.name = app.id;
      c.app = app.id;
      connections.push_back(c);
      connectors.push_back(std::make_unique<sluice::Connector>(app, connections.back()));
      for (const auto& op : app.operations)
        if (op.kind == sluice::OpKind::Trigger) triggers.push_back(&op);
    }
  }
};

void extract(const sluice::Operation& op, const sluice::JsonValue& body) {
  const sluice::JsonValue* found = sluice::jsonAt(body, op.records);
  if (!found) return;
  std::vector<const sluice::JsonValue*> items;
  if (op.shape == sluice::RecordShape::Single) {
    items.push_back(found);
  } else if (found->IsArray()) {
    for (const auto& item : found->GetArray()) items.push_back(&item);
  }
  for (const sluice::JsonValue* item : items) {
    if (!op.recordId.empty())
      if (const sluice::JsonValue* id = sluice::jsonAt(*item, op.recordId))
        (void)sluice::jsonText(*id);
    (void)sluice::toJson(*item);
    if (!op.version.empty())
      if (const sluice::JsonValue* v = sluice::jsonAt(*item, op.version))
        (void)sluice::jsonText(*v);
    if (!op.orderBy.empty())
      if (const sluice::JsonValue* o = sluice::jsonAt(*item, op.orderBy))
        (void)sluice::jsonText(*o);
  }
  if (!op.paginate.hasMore.empty())
    if (const sluice::JsonValue* hm = sluice::jsonAt(body, op.paginate.hasMore))
      (void)sluice::jsonTruthy(*hm);
  for (const auto& [param, source] : op.paginate.next) {
    const sluice::JsonValue* v =
        source.rfind("record:", 0) == 0
            ? (items.empty() ? nullptr : sluice::jsonAt(*items.back(), source.substr(7)))
            : sluice::jsonAt(body, source);
    if (v) (void)sluice::jsonText(*v);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  sluice::HttpResponse response;
  response.body.assign(reinterpret_cast<const char*>(data), size);
  response.headers = {{"Retry-After", "2"}, {"Stripe-Should-Retry", "false"}};
  try {
    for (size_t i = 0; i < fixture.connectors.size(); ++i) {
      const auto& app = fixture.catalog.apps()[i];
      if (app.operations.empty()) continue;
      for (int status : {200, 400, 429}) {
        response.status = status;
        (void)fixture.connectors[i]->classify(app.operations.front(), response);
      }
    }
    sluice::JsonDoc doc;
    if (sluice::parseJson(response.body, doc)) return 0;
    for (const sluice::Operation* op : fixture.triggers) extract(*op, doc);
  } catch (const sluice::Error&) {
  }
  return 0;
}
