// Fuzzes the template engine (core/template.h) and conditions (core/condition.h): the input
// is compiled as a template and rendered, and compiled as a condition and evaluated, against a
// small scope. Expected failures are TemplateError; anything else escaping, a crash, a hang or
// a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/condition.h"
#include "core/error.h"
#include "core/template.h"

namespace {

const char* kScopeJson = R"({
  "trigger": {"id": "cus_1", "email": " Ada@Example.com ", "name": "Ada", "amount": 4900,
              "big": 1e300, "neg": -1e300, "tiny": 1e-300, "created": 1706781630,
              "iso": "2024-02-01T10:20:30Z", "nan": "nan", "hex": "0x10", "tags": "a, b,,c",
              "metadata": {"plan": "pro", "empty": ""},
              "items": {"data": [{"price": {"id": "p_1", "unit_amount": 100}}, 2, null, true]},
              "list": [1, "two", [3], {"four": 4}], "none": null, "yes": true, "zero": 0},
  "steps": {"0": {"contact": {"id": "c_1"}}, "contact": {"contact": {"id": "c_1"}}},
  "connection": {"location_id": "loc_1"},
  "flow": {"name": "f", "item_key": "cus_1"},
  "now": {"iso": "2024-02-01T10:20:30Z", "unix": 1706782830, "ms": 1706782830000}
})";

struct Scope {
  sluice::JsonDoc doc;
  sluice::MapScope scope;
  Scope() {
    if (sluice::parseJson(kScopeJson, doc)) std::abort();
    for (const auto& m : doc.GetObject()) scope.set(m.name.GetString(), &m.value);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Scope scope;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const sluice::Template t = sluice::Template::compile(text);
    sluice::JsonDoc out;
    const sluice::JsonValue v = t.render(scope.scope, out.GetAllocator());
    (void)sluice::jsonTruthy(v);
    (void)t.renderText(scope.scope);
  } catch (const sluice::Error&) {
  }
  try {
    const sluice::Condition c = sluice::Condition::compile(text);
    (void)c.evaluate(scope.scope);
    (void)c.expressions();
  } catch (const sluice::Error&) {
  }
  return 0;
}
