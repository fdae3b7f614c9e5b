#include "service/metrics.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace sluice {

bool LogThrottle::allow(int64_t nowMs, long long& suppressed) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (nowMs - windowStart_ >= windowMs_) {
    windowStart_ = nowMs;
    inWindow_ = 0;
  }
  if (inWindow_ >= perWindow_) {
    ++dropped_;
    return false;
  }
  ++inWindow_;
  suppressed = dropped_;
  dropped_ = 0;
  return true;
}

void Metrics::declare(const std::string& name, Type type, const std::string& help,
                      std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second.type != type) throw std::logic_error("metric " + name + " declared twice");
    return;
  }
  if (type == Type::Histogram && buckets.empty())
    throw std::logic_error("histogram " + name + " needs buckets");
  Family f;
  f.type = type;
  f.help = help;
  f.bounds = std::move(buckets);
  families_.emplace(name, std::move(f));
  order_.push_back(name);
}

Metrics::Family& Metrics::family(const std::string& name, Type expected) {
  auto it = families_.find(name);
  if (it == families_.end()) throw std::logic_error("metric " + name + " was not declared");
  if (it->second.type != expected) throw std::logic_error("metric " + name + " has another type");
  return it->second;
}

void Metrics::add(const std::string& name, const MetricLabels& labels, double by) {
  const std::string key = labelText(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, Type::Counter).series[key].value += by;
}

void Metrics::set(const std::string& name, const MetricLabels& labels, double value) {
  const std::string key = labelText(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, Type::Gauge).series[key].value = value;
}

void Metrics::observe(const std::string& name, const MetricLabels& labels, double value) {
  const std::string key = labelText(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name, Type::Histogram);
  Series& s = f.series[key];
  if (s.buckets.empty()) s.buckets.assign(f.bounds.size() + 1, 0);
  size_t i = 0;
  while (i < f.bounds.size() && value > f.bounds[i]) ++i;  // le: value <= bound
  ++s.buckets[i];
  s.sum += value;
  ++s.count;
}

void Metrics::setMax(const std::string& name, const MetricLabels& labels, double value) {
  const std::string key = labelText(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name, Type::Gauge);
  auto it = f.series.find(key);
  if (it == f.series.end())
    f.series[key].value = value;
  else if (value > it->second.value)
    it->second.value = value;
}

Metrics::HistogramSnapshot Metrics::histogram(const std::string& name,
                                              const MetricLabels& labels) const {
  const std::string key = labelText(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  HistogramSnapshot out;
  auto f = families_.find(name);
  if (f == families_.end() || f->second.type != Type::Histogram) return out;
  out.bounds = f->second.bounds;
  out.cumulative.assign(out.bounds.size() + 1, 0);
  auto s = f->second.series.find(key);
  if (s == f->second.series.end()) return out;
  uint64_t total = 0;
  for (size_t i = 0; i < s->second.buckets.size(); ++i) {
    total += s->second.buckets[i];
    out.cumulative[i] = total;
  }
  out.sum = s->second.sum;
  out.count = s->second.count;
  return out;
}

double Metrics::HistogramSnapshot::quantileUpperBound(double q) const {
  if (count == 0) return 0;
  const double rank = q * static_cast<double>(count);
  for (size_t i = 0; i < cumulative.size(); ++i)
    if (static_cast<double>(cumulative[i]) >= rank)
      return i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
  return std::numeric_limits<double>::infinity();
}

double Metrics::value(const std::string& name, const MetricLabels& labels) const {
  const std::string key = labelText(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(key);
  if (s == f->second.series.end()) return 0;
  return f->second.type == Type::Histogram ? static_cast<double>(s->second.count) : s->second.value;
}

void Metrics::continueFrom(const Metrics& previous) {
  std::scoped_lock lock(mutex_, previous.mutex_);
  for (const auto& [name, before] : previous.families_) {
    const auto now = families_.find(name);
    if (now == families_.end() || now->second.type != before.type ||
        now->second.bounds != before.bounds)
      continue;
    now->second.series = before.series;
  }
}

void Metrics::addCollector(Collector collector) {
  std::lock_guard<std::mutex> lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::escapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string Metrics::escapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string Metrics::formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else
    std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string Metrics::labelText(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

const std::vector<double>& Metrics::durationBuckets() {
  static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                        1,     2.5,  5,     10,   30,  60};
  return b;
}

const std::vector<double>& Metrics::lagBuckets() {
  static const std::vector<double> b = {0.1, 0.25, 0.5, 1,   2.5, 5,    10,
                                        30,  60,   120, 300, 600, 1800, 3600};
  return b;
}

void Metrics::renderInto(std::string& out) const {
  static const char* const kTypes[] = {"counter", "gauge", "histogram"};
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& name : order_) {
    const Family& f = families_.at(name);
    out += "# HELP " + name + " " + escapeHelp(f.help) + "\n";
    out += "# TYPE " + name + " " + kTypes[static_cast<int>(f.type)] + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::Histogram) {
        out += name + labels + " " + formatValue(s.value) + "\n";
        continue;
      }
      // Buckets are cumulative; "le" goes after the sample's own labels.
      const std::string open = labels.empty() ? "{" : labels.substr(0, labels.size() - 1) + ",";
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= f.bounds.size(); ++i) {
        cumulative += s.buckets[i];
        const std::string le = i < f.bounds.size() ? formatValue(f.bounds[i]) : "+Inf";
        out += name + "_bucket" + open + "le=\"" + le + "\"} " +
               formatValue(static_cast<double>(cumulative)) + "\n";
      }
      out += name + "_sum" + labels + " " + formatValue(s.sum) + "\n";
      out += name + "_count" + labels + " " + formatValue(static_cast<double>(s.count)) + "\n";
    }
  }
}

std::string Metrics::render() const {
  std::vector<Collector> collectors;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    collectors = collectors_;
  }
  std::string out;
  renderInto(out);
  // Collectors run without this registry's lock: they may take their owner's locks, and the
  // owner takes this one while holding those.
  for (const auto& collect : collectors) {
    Metrics scratch;
    collect(scratch);
    scratch.renderInto(out);
  }
  return out;
}

}  // namespace sluice
