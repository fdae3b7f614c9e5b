// Every GHL request sluice makes, through a third-party validator: Stoplight Prism in proxy
// mode, on the merged GHL specs, in front of the fake GHL (scripts/prism.sh starts both and sets
// SLUICE_PRISM_URL; without it this test skips). Each operation is called the way the runtime
// calls it (ApiClient over the real transport), in these sets:
//   every input, required inputs  sample values (catalog/spec_samples.h); a trigger as the
//                                 first page of a poll: its time window filled in where the
//                                 inputs leave it out, and the pagination's first-page params
//   enum NAME=VALUE               each value of a catalog enum, with the required inputs
//   next page                     a trigger's second page: page 2, the next offset, or cursor
//                                 values of the type the spec gives those parameters
//   since                         an incremental poll from a watermark (catalog `since`)
//   lookup                        the one GET an interrupted action's `lookup` sends
// A request violation Prism reports in its sl-violations header fails the test unless the
// operation (or its app) lists a spec_exception for the check it falls under (checkOf).
// Violations about the fake's answers (location "response") are not sluice's: ignored.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include "catalog/catalog.h"
#include "catalog/spec_conformance.h"
#include "catalog/spec_samples.h"
#include "config/config.h"
#include "core/text.h"
#include "deliver/lookup.h"
#include "http/api_client.h"
#include "http/poco_http_transport.h"
#include "poll/page_walker.h"
#include "poll/since_filter.h"
#include "poll/time_window.h"
#include "test_support.h"

namespace sluice {
namespace prism_conformance_test {

// The spec_exception check a Prism request violation falls under, named as the static check
// (catalog/spec_conformance.h) names the same finding:
//   path     "Selected route not found": the spec has no operation for this method and path
//   scopes   a security violation (code 401 or 403): the request does not satisfy the spec's
//            security block, the block the static check compares the scopes with
//   version  a Version header that is not one of the spec's values
//   params   path and query parameters, and a required header left out (the static check's
//            "required header is not set")
//   headers  any other header finding
//   body     anything under the body, and a required body left out (["request"], "Body ...")
// Anything else is "request", which no exception names, so it always fails.
std::string checkOf(const JsonValue& violation) {
  auto text = [&](const char* pointer) {
    const JsonValue* v = jsonAt(violation, pointer);
    return v ? jsonText(*v) : std::string();
  };
  const std::string part = text("/location/1"), message = text("/message"), code = text("/code");
  if (part == "body" || (part.empty() && message.rfind("Body", 0) == 0)) return "body";
  if (part == "query" || part == "path") return "params";
  if (part == "header") {
    if (lowerAscii(text("/location/2")) == "version") return "version";
    return code == "required" ? "params" : "headers";
  }
  if (part.empty() && message == "Selected route not found") return "path";
  if (part.empty() && (code == "401" || code == "403")) return "scopes";
  return "request";
}

bool excused(const App& app, const Operation& op, const std::string& check) {
  for (const auto& e : app.specExceptions)
    if (e.check == check) return true;
  return op.hasSpecException(check);
}

// The request violations of one Prism answer, as JSON texts.
std::vector<std::string> requestViolations(const HttpResponse& response) {
  std::vector<std::string> out;
  JsonDoc all;
  if (parseJson(response.header("sl-violations"), all) || !all.IsArray()) return out;
  for (const auto& v : all.GetArray()) {
    const JsonValue* first = jsonAt(v, "/location/0");
    if (first && jsonText(*first) == "request") out.push_back(toJson(v));
  }
  return out;
}

// The real transport, keeping every request and Prism's verdict on it.
class PrismTransport : public HttpTransport {
 public:
  struct Call {
    HttpRequest request;
    std::vector<std::string> violations;
  };
  HttpResponse send(const HttpRequest& request) override {
    HttpResponse response = inner_->send(request);
    calls.push_back({request, requestViolations(response)});
    return response;
  }
  std::vector<Call> calls;

 private:
  std::unique_ptr<HttpTransport> inner_ = makePocoTransport();
};

Config prismConfig(const Catalog& catalog, const std::string& url) {
  const std::map<std::string, std::string> env = {{"TOKEN", "ghl-prism-token"}};
  return loadConfigText(
      "connections:\n  ghl: { app: ghl, token: \"${TOKEN}\", location_id: "
      "loc_prism, company_id: comp_prism, app_id: app_prism, base_url: " +
          url + ", rate_limit: { requests: 100000, per: 10s } }\n",
      "prism.yaml", catalog, &env);
}

// One request of the run: the operation, the set it belongs to, its index in the transport.
struct Sent {
  const Operation* op;
  std::string set;
  size_t call;
};

// "enum dnd=true" -> "enum", "lookup contacts.get_duplicate_contact" -> "lookup".
std::string setKind(const std::string& set) {
  for (const char* kind : {"enum", "lookup"})
    if (set.rfind(std::string(kind) + " ", 0) == 0) return kind;
  return set;
}

class PrismConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("SLUICE_PRISM_URL");
    if (!url || !*url) GTEST_SKIP() << "SLUICE_PRISM_URL not set (scripts/prism.sh runs this)";
    catalog_ = std::make_unique<Catalog>(Catalog::load(test::catalogRoot()));
    conformance_ = std::make_unique<SpecConformance>(test::specsRoot());
    config_ = std::make_unique<Config>(prismConfig(*catalog_, url));
    client_ = std::make_unique<ApiClient>(app(), config_->connections.at("ghl"), transport_,
                                          nullptr, clock_, [](int64_t) { return true; });
  }
  const App& app() const { return *catalog_->app("ghl"); }
  const SpecIndex::Entry* entry(const Operation& op) {
    return conformance_->indexFor(app()).find(op.request.method, op.request.path);
  }
  JsonDoc sample(const Operation& op, bool all) { return test::sampleInputs(op, entry(op), all); }

  // Files the requests sent since `before` under the set; a set that sent none fails.
  void record(const Operation& op, const std::string& set, size_t before) {
    if (transport_.calls.size() == before)
      ADD_FAILURE() << op.fullId() << " [" << set << "]: no request reached Prism";
    for (size_t i = before; i < transport_.calls.size(); ++i) sent_.push_back({&op, set, i});
  }

  // Calls op as the runtime does: an action once, with the dispatcher's idempotency key (GHL
  // declares no header for it, so none is sent); a trigger as one page of a poll (at `pos`,
  // else the first), its time window filled in where the inputs leave it out.
  void call(const Operation& op, const std::string& set, const JsonValue& inputs,
            PagePosition* pos = nullptr) {
    const size_t before = transport_.calls.size();
    if (op.kind == OpKind::Action) {
      client_->call(op, inputs, nullptr, "prism-idempotency-key");
    } else {
      JsonDoc windowed;
      const bool window = windowedInputs(op, inputs, clock_.nowMs(), windowed);
      PagePosition first = firstPosition(op.paginate);
      const PageParams page = pageParams(op.paginate, pos ? *pos : first);
      client_->call(op, window ? windowed : inputs, &page);
    }
    record(op, set, before);
  }

  // A trigger's second page: page 2, the offset after the first page, or a cursor value of
  // the type the spec gives each cursor parameter.
  PagePosition nextPosition(const Operation& op) {
    PagePosition pos = firstPosition(op.paginate);
    pos.page += 1;
    pos.offset += op.paginate.limit;
    auto& alloc = pos.params.GetAllocator();
    for (const auto& next : op.paginate.next)
      pos.params.AddMember(jsonString(next.first, alloc),
                           test::sampleParam(entry(op), next.first, op.paginate.inBody, alloc),
                           alloc);
    return pos;
  }

  // A catalog enum value as the input's type takes it (an integer enum holds numbers).
  static JsonValue enumValue(const InputSpec& in, const std::string& value, JsonAlloc& alloc) {
    JsonDoc parsed;
    if (in.type != ValueType::String && !parseJson(value, parsed)) return JsonValue(parsed, alloc);
    return jsonString(value, alloc);
  }

  void callEverySet(const Operation& op) {
    call(op, "every input", sample(op, true));
    call(op, "required inputs", sample(op, false));
    for (const auto& in : op.inputs)
      for (const auto& value : in.enumValues) {
        JsonDoc with = sample(op, false);
        auto& alloc = with.GetAllocator();
        with.RemoveMember(in.name.c_str());
        with.AddMember(jsonString(in.name, alloc), enumValue(in, value, alloc), alloc);
        call(op, "enum " + in.name + "=" + value, with);
      }
    if (op.kind == OpKind::Trigger && op.paginate.style != PaginationStyle::None) {
      PagePosition next = nextPosition(op);
      call(op, "next page", sample(op, false), &next);
    }
    JsonDoc since;
    const JsonValue watermark("2024-03-10T15:00:00.000Z");
    if (sinceInputs(op, sample(op, false), &watermark, since)) call(op, "since", since);
    if (op.lookup) {
      const size_t before = transport_.calls.size();
      lookupRecord(*catalog_, op, *client_, sample(op, true));
      record(op, "lookup " + op.lookup->op, before);
    }
  }

  // The parsed violations of the last request.
  std::vector<JsonDoc> lastViolations() {
    std::vector<JsonDoc> out;
    if (transport_.calls.empty()) return out;
    for (const auto& text : transport_.calls.back().violations) {
      out.emplace_back();
      EXPECT_FALSE(parseJson(text, out.back()));
    }
    return out;
  }

  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<SpecConformance> conformance_;
  std::unique_ptr<Config> config_;
  PrismTransport transport_;
  ManualClock clock_;
  std::unique_ptr<ApiClient> client_;
  std::vector<Sent> sent_;
};

TEST_F(PrismConformance, EveryGhlRequestPassesPrism) {
  for (const auto& op : app().operations) callEverySet(op);
  // Excused findings once each, with the sets that showed them.
  std::map<std::string, std::string> excusedSets;
  std::map<std::string, int> perSet;
  for (const auto& s : sent_) {
    const PrismTransport::Call& c = transport_.calls[s.call];
    ++perSet[setKind(s.set)];
    for (const auto& text : c.violations) {
      JsonDoc v;
      ASSERT_FALSE(parseJson(text, v)) << text;
      const std::string check = checkOf(v);
      const std::string finding = s.op->fullId() + " " + check + ": " + text;
      if (excused(app(), *s.op, check))
        excusedSets[finding] += (excusedSets[finding].empty() ? "" : ", ") + s.set;
      else
        ADD_FAILURE() << s.op->fullId() << " [" << s.set << "] " << check << ": " << text << "\n  "
                      << c.request.method << " " << c.request.url << "\n  " << c.request.body;
    }
  }
  EXPECT_GE(sent_.size(), 2 * app().operations.size());
  std::cout << "  " << sent_.size() << " GHL requests validated by Prism:";
  for (const auto& [set, n] : perSet) std::cout << " " << set << " " << n << ";";
  std::cout << "\n";
  for (const auto& [finding, sets] : excusedSets)
    std::cout << "  excused by a spec_exception: " << finding << " [" << sets << "]\n";
}

// The loop above can fail: update_contact without the `body: {}` its spec requires, called
// with nothing to change, and with a value of the wrong type (OpenAPI lets a body carry fields
// its schema does not list, so Prism does not flag those; the static check does).
TEST_F(PrismConformance, ReportsABodylessCallAndAWrongType) {
  Operation op = *app().find("contacts.update_contact");
  op.request.body = ValueTemplate();
  JsonDoc inputs = test::sampleInputs(op, nullptr, false);
  call(op, "bodyless", inputs);
  const auto bodyless = lastViolations();
  ASSERT_EQ(bodyless.size(), 1u);
  EXPECT_EQ(checkOf(bodyless[0]), "body");
  inputs.AddMember("dnd", "yes", inputs.GetAllocator());
  call(op, "wrong type", inputs);
  const auto wrongType = lastViolations();
  ASSERT_EQ(wrongType.size(), 1u);
  EXPECT_EQ(checkOf(wrongType[0]), "body");
  EXPECT_NE(toJson(wrongType[0]).find("dnd"), std::string::npos) << toJson(wrongType[0]);
}

// Each kind of request violation falls under the check its exception would have to name: a
// path the spec lacks, a required query parameter left out, a query value outside the spec's
// enum (a catalog enum the spec lacks), a Version the spec does not allow, a request without
// the bearer token.
TEST_F(PrismConformance, NamesTheCheckOfEachViolation) {
  auto checksOfLast = [&] {
    std::set<std::string> checks;
    for (const auto& v : lastViolations()) checks.insert(checkOf(v));
    return checks;
  };
  const Operation& dup = *app().find("contacts.get_duplicate_contact");
  Operation op = dup;
  op.request.path += "/nonsense";
  call(op, "unknown path", sample(dup, false));
  EXPECT_EQ(checksOfLast(), std::set<std::string>{"path"});
  op = dup;
  op.request.query = ValueTemplate();  // no locationId
  call(op, "no locationId", sample(dup, false));
  EXPECT_EQ(checksOfLast(), std::set<std::string>{"params"});
  const Operation& search = *app().find("conversations.search_conversations");
  JsonDoc unread = sample(search, false);
  unread.AddMember("status", "unread-only", unread.GetAllocator());
  call(search, "status outside the enum", unread);
  EXPECT_EQ(checksOfLast(), std::set<std::string>{"params"});
  op = dup;
  op.request.headers.emplace_back("Version", Template::compile("1999-01-01"));
  call(op, "old Version", sample(dup, false));
  EXPECT_EQ(checksOfLast(), std::set<std::string>{"version"});
  HttpRequest anonymous = transport_.calls.back().request;
  anonymous.headers.erase(std::remove_if(anonymous.headers.begin(), anonymous.headers.end(),
                                         [](const auto& h) { return h.first == "Authorization"; }),
                          anonymous.headers.end());
  transport_.send(anonymous);
  EXPECT_EQ(checksOfLast(), (std::set<std::string>{"scopes", "version"}));
}

}  // namespace prism_conformance_test
}  // namespace sluice
