// Fuzzes the form encoder (core/form_encoding.h): the input is parsed as JSON and, when
// it is valid, form-encoded (objects directly; anything else wrapped as {"value": ...}).
// A crash, a hang, an exception or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/form_encoding.h"
#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sluice::JsonDoc doc;
  if (sluice::parseJson(text, doc)) {
    (void)sluice::urlEncode(text);
    return 0;
  }
  if (doc.IsObject()) {
    (void)sluice::formEncode(doc);
  } else {
    sluice::JsonDoc wrapped(rapidjson::kObjectType);
    wrapped.AddMember("value", sluice::JsonValue(doc, wrapped.GetAllocator()),
                      wrapped.GetAllocator());
    (void)sluice::formEncode(wrapped);
  }
  return 0;
}
