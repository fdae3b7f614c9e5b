// catalog/spec_request_check.h: the checker finds each kind of violation in a request, against
// Stripe's spec3.json, and passes requests Stripe takes (bracket forms, anyOf, unsets).
#include "catalog/spec_request_check.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "test_support.h"

namespace sluice {
namespace spec_request_check_test {

const char* kForm = "application/x-www-form-urlencoded";

class StripeSpecRequestCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!spec_) spec_ = SpecIndex::load(test::specsRoot() + "/stripe/spec3.json").release();
  }
  static const SpecIndex* spec_;

  static HttpRequest request(const std::string& method, const std::string& pathAndQuery,
                             const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = "https://api.stripe.com" + pathAndQuery;
    r.headers = {{"Authorization", "Bearer sk_test_x"}};
    if (!body.empty()) {
      r.body = body;
      r.headers.emplace_back("Content-Type", kForm);
    }
    return r;
  }

  static std::vector<RequestFinding> check(const HttpRequest& r) { return checkRequest(*spec_, r); }

  // The one finding of the request: its issue, where and parameter.
  static void expectOne(const HttpRequest& r, RequestIssue issue, const std::string& param,
                        const std::string& specCheck) {
    const auto findings = check(r);
    ASSERT_EQ(findings.size(), 1u)
        << r.method << " " << r.url << " " << r.body << ": " << describe(findings);
    EXPECT_EQ(toString(findings[0].issue), std::string(toString(issue))) << findings[0].message;
    EXPECT_EQ(findings[0].param, param) << findings[0].message;
    EXPECT_EQ(findings[0].check(), specCheck) << findings[0].message;
  }

  static std::string describe(const std::vector<RequestFinding>& findings) {
    std::string out;
    for (const auto& f : findings)
      out += std::string("\n  ") + toString(f.issue) + ": " + f.message;
    return out.empty() ? "none" : out;
  }
};

const SpecIndex* StripeSpecRequestCheck::spec_ = nullptr;

TEST_F(StripeSpecRequestCheck, AcceptsWhatStripeTakes) {
  for (const HttpRequest& ok : {
           request("GET", "/v1/customers?email=a%40b.c&limit=100&starting_after=cus_1"),
           request("GET", "/v1/customers/search?query=email%3A%27a%27&expand%5B%5D=data.tax"),
           request("GET", "/v1/customers/cus_1"),
           request("GET", "/v1/subscriptions?created%5Bgte%5D=1700000000&status=all"),
           request("GET", "/v1/subscriptions?created=1700000000&expand%5B0%5D=data.customer"),
           request("POST", "/v1/customers",
                   "email=a%40b.c&metadata%5Bplan%5D=pro&address%5Bcity%5D=Oslo&"
                   "preferred_locales%5B0%5D=en&tax_exempt=none"),
           request("POST", "/v1/customers/cus_1", "address=&metadata=&tax_exempt="),
           request("POST", "/v1/subscriptions",
                   "customer=cus_1&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2&"
                   "trial_end=now&cancel_at_period_end=true"),
           request("POST", "/v1/subscriptions/sub_1", "trial_end=1700000000"),
           request("POST", "/v1/prices",
                   "currency=usd&unit_amount_decimal=12.5&"
                   "recurring%5Binterval%5D=month"),
           request("DELETE", "/v1/subscriptions/sub_1", "invoice_now=false"),
       })
    EXPECT_EQ(describe(check(ok)), "none") << ok.method << " " << ok.url << " " << ok.body;
  HttpRequest keyed = request("POST", "/v1/customers", "email=a%40b.c");
  keyed.headers.emplace_back("Idempotency-Key", "k1");
  EXPECT_EQ(describe(check(keyed)), "none");
}

TEST_F(StripeSpecRequestCheck, WrongPathOrMethod) {
  expectOne(request("GET", "/v1/customers/cus_1/horoscope"), RequestIssue::PathMethod, "", "path");
  expectOne(request("PUT", "/v1/customers/cus_1", "name=x"), RequestIssue::PathMethod, "", "path");
  expectOne(request("GET", "/v1/customers/"), RequestIssue::PathMethod, "", "path");
  EXPECT_NE(check(request("PATCH", "/v1/customers"))[0].message.find("takes GET, POST"),
            std::string::npos);
}

TEST_F(StripeSpecRequestCheck, UnknownParameterName) {
  expectOne(request("GET", "/v1/customers?emial=a"), RequestIssue::UnknownParam, "emial", "params");
  expectOne(request("POST", "/v1/customers", "nmae=Ada"), RequestIssue::UnknownParam, "nmae",
            "body");
  // A POST takes its parameters in the body, not the query.
  expectOne(request("POST", "/v1/customers?email=a", "name=Ada"), RequestIssue::UnknownParam,
            "email", "params");
  expectOne(request("GET", "/v1/customers?a%5Bb=1"), RequestIssue::UnknownParam, "a[b", "params");
}

TEST_F(StripeSpecRequestCheck, UnknownBracketSubKey) {
  expectOne(request("POST", "/v1/customers", "address%5Btown%5D=Oslo"), RequestIssue::UnknownSubKey,
            "address[town]", "body");
  expectOne(request("POST", "/v1/customers", "email%5Bwork%5D=a"), RequestIssue::UnknownSubKey,
            "email[work]", "body");
  expectOne(request("POST", "/v1/subscriptions", "customer=c&items%5Bfirst%5D%5Bprice%5D=p"),
            RequestIssue::UnknownSubKey, "items[first]", "body");
  expectOne(request("POST", "/v1/subscriptions", "customer=c&items%5B0%5D%5Bprise%5D=p"),
            RequestIssue::UnknownSubKey, "items[0][prise]", "body");
  expectOne(request("GET", "/v1/subscriptions?created%5Bafter%5D=1"), RequestIssue::UnknownSubKey,
            "created[after]", "params");
  expectOne(request("POST", "/v1/customers", "address%5B%5D=x"), RequestIssue::UnknownSubKey,
            "address[]", "body");
}

TEST_F(StripeSpecRequestCheck, WrongType) {
  expectOne(request("GET", "/v1/customers?limit=ten"), RequestIssue::Type, "limit", "params");
  expectOne(request("POST", "/v1/invoices", "customer=c&auto_advance=yes"), RequestIssue::Type,
            "auto_advance", "body");
  expectOne(request("POST", "/v1/payment_intents", "amount=12.50&currency=usd"), RequestIssue::Type,
            "amount", "body");
  expectOne(request("POST", "/v1/subscriptions", "customer=c&items=price_1"), RequestIssue::Type,
            "items", "body");
  expectOne(request("POST", "/v1/prices", "currency=usd&unit_amount_decimal=12%2C5"),
            RequestIssue::Type, "unit_amount_decimal", "body");
  expectOne(request("GET", "/v1/customers?email=" + std::string(600, 'a')), RequestIssue::Type,
            "email", "params");
}

TEST_F(StripeSpecRequestCheck, ValueOutsideEnum) {
  expectOne(request("POST", "/v1/customers", "tax_exempt=maybe"), RequestIssue::Enum, "tax_exempt",
            "body");
  expectOne(request("GET", "/v1/subscriptions?status=sleeping"), RequestIssue::Enum, "status",
            "params");
  // anyOf: neither "now" nor an integer.
  expectOne(request("POST", "/v1/subscriptions/sub_1", "trial_end=later"), RequestIssue::Enum,
            "trial_end", "body");
  // An object's only plain value is "" (unset).
  expectOne(request("POST", "/v1/customers", "address=Oslo"), RequestIssue::Enum, "address",
            "body");
}

TEST_F(StripeSpecRequestCheck, MissingRequiredParameter) {
  expectOne(request("POST", "/v1/payment_intents", "currency=usd"), RequestIssue::Required,
            "amount", "body");
  expectOne(request("POST", "/v1/invoiceitems"), RequestIssue::Required, "customer", "body");
  expectOne(request("GET", "/v1/invoices/search?limit=1"), RequestIssue::Required, "query",
            "params");
  // A required sub-key of an object that is sent.
  expectOne(request("POST", "/v1/prices", "currency=usd&recurring%5Binterval_count%5D=2"),
            RequestIssue::Required, "recurring[interval]", "body");
  expectOne(request("POST", "/v1/payment_intents",
                    "amount=1&currency=usd&automatic_payment_methods%5Ballow_redirects%5D=never"),
            RequestIssue::Required, "automatic_payment_methods[enabled]", "body");
}

TEST_F(StripeSpecRequestCheck, IdempotencyKeyOnPostOnly) {
  for (const char* method : {"GET", "DELETE"}) {
    HttpRequest r = request(method, "/v1/customers/cus_1");
    r.headers.emplace_back("idempotency-key", "k1");
    expectOne(r, RequestIssue::Header, "Idempotency-Key", "params");
  }
}

TEST_F(StripeSpecRequestCheck, BodyWhereTheSpecTakesNone) {
  HttpRequest get = request("GET", "/v1/customers");
  get.body = "email=a";
  get.headers.emplace_back("Content-Type", kForm);
  expectOne(get, RequestIssue::Body, "", "body");
  HttpRequest json = request("POST", "/v1/customers");
  json.body = R"({"email":"a"})";
  json.headers.emplace_back("Content-Type", "application/json");
  expectOne(json, RequestIssue::Body, "", "body");
}

}  // namespace spec_request_check_test
}  // namespace sluice
