#include "http/metrics_registry.hpp"

#include <charconv>
#include <exception>

#include "core/logger.hpp"

namespace citadel::http {
namespace {

std::string_view BoundedMethod(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                "PATCH",   "OPTIONS", "TRACE", "CONNECT"};
  for (auto known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

std::string FormatNumber(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

}  // namespace

std::string MetricsRegistry::EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void MetricsRegistry::AddCollector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void MetricsRegistry::RecordRequest(std::string_view route, std::string_view method, int status,
                                    double duration_seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(BoundedMethod(method)), status}];
  Histogram& histogram = durations_[std::string(route)];
  for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
    if (duration_seconds <= kDurationBuckets[i]) {
      ++histogram.bucket_counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += duration_seconds;
}

void MetricsRegistry::ConnectionRefused(std::string_view reason) {
  std::lock_guard lock(mutex_);
  ++refused_[std::string(reason)];
}

void MetricsRegistry::RenderEdgeMetrics(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP citadel_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
  out += "# TYPE citadel_http_requests_total counter\n";
  for (const auto& [labels, count] : requests_) {
    const auto& [route, method, status] = labels;
    out += "citadel_http_requests_total{route=\"" + EscapeLabelValue(route) + "\",method=\"" +
           method + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP citadel_http_request_duration_seconds Time from the first byte of a request to its response.\n";
  out += "# TYPE citadel_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : durations_) {
    const std::string label = "route=\"" + EscapeLabelValue(route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
      cumulative += histogram.bucket_counts[i];
      out += "citadel_http_request_duration_seconds_bucket{" + label + ",le=\"" +
             FormatNumber(kDurationBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "citadel_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(histogram.count) + "\n";
    out += "citadel_http_request_duration_seconds_sum{" + label + "} " +
           FormatNumber(histogram.sum) + "\n";
    out += "citadel_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(histogram.count) + "\n";
  }
  out += "# HELP citadel_http_open_connections Client connections open now.\n";
  out += "# TYPE citadel_http_open_connections gauge\n";
  out += "citadel_http_open_connections " + std::to_string(open_connections_.load()) + "\n";
  out += "# HELP citadel_http_connections_refused_total Connections closed at once by a connection limit.\n";
  out += "# TYPE citadel_http_connections_refused_total counter\n";
  for (const auto& [reason, count] : refused_) {
    out += "citadel_http_connections_refused_total{reason=\"" + EscapeLabelValue(reason) + "\"} " +
           std::to_string(count) + "\n";
  }
}

std::string MetricsRegistry::Render() const {
  std::string out;
  RenderEdgeMetrics(out);
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  // Outside the lock: a collector may itself record into this registry.
  for (const auto& collector : collectors) {
    std::string lines;
    try {
      collector(lines);
    } catch (const std::exception& error) {
      core::Log().Warn("metrics collector failed", {{"error", error.what()}});
      continue;
    } catch (...) {
      core::Log().Warn("metrics collector failed", {{"error", "unknown exception"}});
      continue;
    }
    if (!lines.empty() && lines.back() != '\n') lines += '\n';
    out += lines;
  }
  return out;
}

}  // namespace citadel::http
