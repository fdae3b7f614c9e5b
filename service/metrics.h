// A small thread-safe metrics registry, rendered in the Prometheus text exposition format
// (version 0.0.4). Each Runner owns one (no global state): counters, gauges and histograms
// with fixed buckets, in families declared once with their help text, each sample with its
// own labels. Values that are cheap to read but costly to keep (the outbox depth, one gauge
// per trigger) come from collectors that run at render time into a scratch registry, so a
// hundred thousand triggers cost nothing between scrapes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sluice {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Lets at most `perWindow` events through per window and counts the rest: for warnings that
// could come by the thousand at once (a whole schedule falling behind).
class LogThrottle {
 public:
  LogThrottle(int perWindow, int64_t windowMs) : perWindow_(perWindow), windowMs_(windowMs) {}
  // True when this event may be logged; suppressed = events dropped since the last one let
  // through (to mention in its line).
  bool allow(int64_t nowMs, long long& suppressed);

 private:
  std::mutex mutex_;
  const int perWindow_;
  const int64_t windowMs_;
  int64_t windowStart_ = 0;
  int inWindow_ = 0;
  long long dropped_ = 0;
};

class Metrics {
 public:
  enum class Type { Counter, Gauge, Histogram };

  // Declares a family. A histogram needs its bucket upper bounds (ascending; +Inf is implied).
  // Using a name that was never declared throws std::logic_error (a programming mistake).
  void declare(const std::string& name, Type type, const std::string& help,
               std::vector<double> buckets = {});

  void add(const std::string& name, const MetricLabels& labels = {}, double by = 1);  // counter
  void set(const std::string& name, const MetricLabels& labels, double value);        // gauge
  void observe(const std::string& name, const MetricLabels& labels, double value);    // histogram

  // A gauge that only goes up: value = max(value, v) (e.g. the worst poll lateness so far).
  void setMax(const std::string& name, const MetricLabels& labels, double value);

  // A counter's or gauge's value, a histogram's count; 0 when the sample does not exist.
  double value(const std::string& name, const MetricLabels& labels = {}) const;

  // A histogram's state: bounds, cumulative counts per bound (+Inf last), sum and count.
  struct HistogramSnapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // bounds.size() + 1 entries
    double sum = 0;
    uint64_t count = 0;
    // The upper bound of the bucket holding quantile q (0..1); +Inf beyond the last bound,
    // 0 when empty.
    double quantileUpperBound(double q) const;
  };
  HistogramSnapshot histogram(const std::string& name, const MetricLabels& labels = {}) const;

  // Takes the stored samples of the families both declare, with the same type and buckets, from
  // the registry this one replaces (a reload's new runner): counters go on from their totals
  // instead of starting again at zero.
  void continueFrom(const Metrics& previous);

  // Runs at every render, after the stored families, with an empty registry to declare and
  // set its families in.
  using Collector = std::function<void(Metrics& scratch)>;
  void addCollector(Collector collector);

  std::string render() const;

  // Label value and help text escaping of the exposition format (exposed for tests).
  static std::string escapeLabelValue(const std::string& value);
  static std::string escapeHelp(const std::string& help);
  static std::string formatValue(double value);

  // Bucket sets used by the runner.
  static const std::vector<double>& durationBuckets();  // 5 ms .. 60 s
  static const std::vector<double>& lagBuckets();       // 100 ms .. 1 h

 private:
  struct Series {
    double value = 0;
    std::vector<uint64_t> buckets;  // per bucket, not cumulative; the last is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    Type type = Type::Counter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // by rendered label set, "{a=\"b\"}" or ""
  };
  Family& family(const std::string& name, Type expected);
  static std::string labelText(const MetricLabels& labels);
  void renderInto(std::string& out) const;

  mutable std::mutex mutex_;
  std::vector<std::string> order_;  // declaration order, for stable output
  std::map<std::string, Family> families_;
  std::vector<Collector> collectors_;
};

}  // namespace sluice
