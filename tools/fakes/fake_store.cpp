#include "tools/fakes/fake_store.h"

#include <chrono>
#include <utility>

#include "tools/fakes/fake_json.h"

namespace sluice::fakes {

std::int64_t Clock::nowSeconds() const {
  return nowMillis() / 1000;
}

std::int64_t Clock::nowMillis() const {
  if (pinned_) return *pinned_ * 1000;
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

IdGenerator::IdGenerator() : rng_(std::random_device{}()) {}

std::string IdGenerator::next(const std::string& prefix, std::size_t length) {
  static const char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
  std::string id = prefix;
  for (std::size_t i = 0; i < length; ++i) id += kAlphabet[pick(rng_)];
  return id;
}

RecordStore::Kind& RecordStore::kindFor(const std::string& kind) {
  auto [it, added] = kinds_.try_emplace(key(kind));
  if (added) {
    for (const std::string& field : indexedFields_[kind]) it->second.indexes[field];
  }
  return it->second;
}

Record& RecordStore::insert(const std::string& kind, const std::string& id, std::int64_t createdMs,
                            rapidjson::Document doc) {
  Kind& k = kindFor(kind);
  auto old = k.seqOf.find(id);
  if (old != k.seqOf.end()) {
    unindex(k, old->second);
    k.bySeq.erase(old->second);
  }
  std::int64_t seq = nextSeq_++;
  Record& r = k.bySeq[seq];
  r.id = id;
  r.seq = seq;
  r.createdMs = createdMs;
  r.doc = std::move(doc);
  k.seqOf[id] = seq;
  reindex(k, r);
  touch(kind, r);
  return r;
}

// Handed out for change, so indexed again before the next lookup.
Record* RecordStore::find(const std::string& kind, const std::string& id) {
  const Record* r = std::as_const(*this).find(kind, id);
  if (!r) return nullptr;
  touch(kind, *r);
  return const_cast<Record*>(r);
}

const Record* RecordStore::find(const std::string& kind, const std::string& id) const {
  auto k = kinds_.find(key(kind));
  if (k == kinds_.end()) return nullptr;
  auto s = k->second.seqOf.find(id);
  if (s == k->second.seqOf.end()) return nullptr;
  return &k->second.bySeq.at(s->second);
}

bool RecordStore::erase(const std::string& kind, const std::string& id) {
  auto k = kinds_.find(key(kind));
  if (k == kinds_.end()) return false;
  auto s = k->second.seqOf.find(id);
  if (s == k->second.seqOf.end()) return false;
  unindex(k->second, s->second);
  touched_.erase({k->first, s->second});
  k->second.bySeq.erase(s->second);
  k->second.seqOf.erase(s);
  return true;
}

std::vector<Record*> RecordStore::all(const std::string& kind) {
  std::vector<Record*> out;
  auto k = kinds_.find(key(kind));
  if (k == kinds_.end()) return out;
  for (auto& [seq, record] : k->second.bySeq) out.push_back(&record);
  return out;
}

void RecordStore::indexField(const std::string& kind, const std::string& field) {
  indexedFields_[kind].insert(field);
}

bool RecordStore::indexed(const std::string& kind, const std::string& field) const {
  auto fields = indexedFields_.find(kind);
  return fields != indexedFields_.end() && fields->second.count(field) > 0;
}

std::vector<Record*> RecordStore::withField(const std::string& kind, const std::string& field,
                                            const std::string& value) {
  reindexTouched();
  std::vector<Record*> out;
  auto k = kinds_.find(key(kind));
  if (k == kinds_.end()) return out;
  auto index = k->second.indexes.find(field);
  if (index == k->second.indexes.end()) return out;
  auto seqs = index->second.seqsOf.find(value);
  if (seqs == index->second.seqsOf.end()) return out;
  for (std::int64_t seq : seqs->second) out.push_back(&k->second.bySeq.at(seq));
  return out;
}

void RecordStore::touch(const std::string& kind, const Record& record) {
  auto k = kinds_.find(key(kind));
  if (k != kinds_.end() && !k->second.indexes.empty()) touched_.emplace(k->first, record.seq);
}

void RecordStore::unindex(Kind& k, std::int64_t seq) {
  for (auto& [field, index] : k.indexes) {
    auto value = index.valueOf.find(seq);
    if (value == index.valueOf.end()) continue;
    auto seqs = index.seqsOf.find(value->second);
    seqs->second.erase(seq);
    if (seqs->second.empty()) index.seqsOf.erase(seqs);
    index.valueOf.erase(value);
  }
}

void RecordStore::reindex(Kind& k, const Record& r) {
  unindex(k, r.seq);
  if (!r.doc.IsObject()) return;
  for (auto& [field, index] : k.indexes) {
    auto member = r.doc.FindMember(field.c_str());
    if (member == r.doc.MemberEnd() || !member->value.IsString()) continue;
    std::string value(member->value.GetString(), member->value.GetStringLength());
    index.seqsOf[value].insert(r.seq);
    index.valueOf.emplace(r.seq, std::move(value));
  }
}

// Every record handed out for change since the last lookup, indexed by what it holds now.
void RecordStore::reindexTouched() {
  for (const auto& [kindKey, seq] : touched_) {
    auto k = kinds_.find(kindKey);
    if (k == kinds_.end()) continue;
    auto r = k->second.bySeq.find(seq);
    if (r != k->second.bySeq.end()) reindex(k->second, r->second);
  }
  touched_.clear();
}

std::vector<std::string> RecordStore::kinds() const {
  std::vector<std::string> out;
  for (const auto& [name, k] : kinds_) out.push_back(name);
  return out;
}

void RecordStore::clear() {
  kinds_.clear();
  touched_.clear();
}

void EffectsLedger::add(Effect effect) {
  effect.seq = static_cast<std::int64_t>(effects_.size()) + 1;
  effects_.push_back(std::move(effect));
}

std::string EffectsLedger::toJson() const {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Effect& e : effects_) {
    rapidjson::Value v(rapidjson::kObjectType);
    json::setInt(v, "seq", e.seq, a);
    json::setString(v, "method", e.method, a);
    json::setString(v, "path", e.path, a);
    if (e.idempotencyKey.empty()) {
      json::setNull(v, "idempotency_key", a);
    } else {
      json::setString(v, "idempotency_key", e.idempotencyKey, a);
    }
    json::setString(v, "body", e.body, a);
    json::setInt(v, "status", e.status, a);
    json::setInt(v, "at_ms", e.atMs, a);
    list.PushBack(v, a);
  }
  json::set(doc, "effects", std::move(list), a);
  return json::dump(doc);
}

std::string RequestCounter::toJson() const {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  for (const auto& [key, n] : counts_) json::setInt(doc, key, n, a);
  return json::dump(doc);
}

namespace {

std::optional<FaultKind> parseKind(const std::string& name) {
  if (name == "status" || name == "error") return FaultKind::kStatus;
  if (name == "slow") return FaultKind::kSlow;
  if (name == "truncate") return FaultKind::kTruncate;
  if (name == "malformed") return FaultKind::kMalformed;
  if (name == "drop") return FaultKind::kDrop;
  if (name == "missing_records") return FaultKind::kMissingRecords;
  if (name == "missing_id") return FaultKind::kMissingId;
  return std::nullopt;
}

}  // namespace

const char* Fault::kindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kStatus:
      return "status";
    case FaultKind::kSlow:
      return "slow";
    case FaultKind::kTruncate:
      return "truncate";
    case FaultKind::kMalformed:
      return "malformed";
    case FaultKind::kDrop:
      return "drop";
    case FaultKind::kMissingRecords:
      return "missing_records";
    case FaultKind::kMissingId:
      return "missing_id";
  }
  return "status";
}

std::optional<Fault> Fault::fromJson(const rapidjson::Value& j, std::string* error) {
  if (!j.IsObject()) {
    if (error) *error = "a fault is a JSON object";
    return std::nullopt;
  }
  Fault f;
  std::string kind = json::getString(j, "kind", "status");
  auto parsed = parseKind(kind);
  if (!parsed) {
    if (error) *error = "unknown fault kind: " + kind;
    return std::nullopt;
  }
  f.kind = *parsed;
  f.match = json::getString(j, "match");
  f.method = json::getString(j, "method");
  f.status = static_cast<int>(json::getInt(j, "status", 500));
  f.retryAfter = static_cast<int>(json::getInt(j, "retry_after", -1));
  f.delayMs = static_cast<int>(json::getInt(j, "delay_ms", 1000));
  f.count = static_cast<int>(json::getInt(j, "count", 1));
  f.apply = json::getBool(j, "apply", false);
  f.message = json::getString(j, "message");
  if (j.HasMember("should_retry")) f.shouldRetry = json::getBool(j, "should_retry");
  if (f.count == 0 || f.count < -1) {
    if (error) *error = "count must be positive or -1";
    return std::nullopt;
  }
  if (f.kind == FaultKind::kStatus && (f.status < 100 || f.status > 599)) {
    if (error) *error = "status must be an HTTP status code";
    return std::nullopt;
  }
  return f;
}

bool pathMatches(const std::string& prefix, const std::string& path) {
  if (prefix.empty()) return true;
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  if (path.size() == prefix.size() || prefix.back() == '/') return true;
  char next = path[prefix.size()];
  return next == '/' || next == '?';
}

std::optional<Fault> FaultQueue::take(const std::string& method, const std::string& path) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->method.empty() && it->method != method) continue;
    if (!pathMatches(it->match, path)) continue;
    Fault hit = *it;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    return hit;
  }
  return std::nullopt;
}

std::string FaultQueue::toJson() const {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Fault& f : faults_) {
    rapidjson::Value v(rapidjson::kObjectType);
    json::setString(v, "kind", Fault::kindName(f.kind), a);
    json::setString(v, "match", f.match, a);
    json::setString(v, "method", f.method, a);
    json::setInt(v, "status", f.status, a);
    json::setInt(v, "count", f.count, a);
    list.PushBack(v, a);
  }
  json::set(doc, "faults", std::move(list), a);
  return json::dump(doc);
}

}  // namespace sluice::fakes
