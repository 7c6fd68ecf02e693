#include "core/logger.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/buffered_log_sink.hpp"

namespace citadel::core {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string Rfc3339Millis(std::int64_t unix_millis) {
  std::time_t secs = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_millis % 1000));
  return buf;
}

}  // namespace

Logger::Logger() : to_stderr_(true), sink_(BufferedLogSink::FileDescriptorWriter(2)) {}

Logger::Logger(Sink sink) : sink_(std::move(sink)) {}

Logger::~Logger() = default;

void Logger::StartBuffering() {
  if (!to_stderr_) return;
  // Under the direct path's mutex: a line being written at once is out before
  // the next one may go to the buffer, so lines keep their order.
  std::lock_guard lock(mutex_);
  if (owned_) return;
  owned_ = std::make_unique<BufferedLogSink>();
  buffered_.store(owned_.get(), std::memory_order_release);
}

void Logger::StopBuffering() {
  if (BufferedLogSink* sink = buffered_.load(std::memory_order_acquire)) sink->Stop();
}

bool Logger::IsSecretFieldName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::string_view kMarkers[] = {"password", "passwd", "secret", "token",
                                                  "cookie",   "key",    "authorization",
                                                  "dsn",      "credential"};
  return std::any_of(std::begin(kMarkers), std::end(kMarkers),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

std::string Logger::Format(LogLevel level, std::string_view msg, const LogFields& fields,
                           std::int64_t unix_millis) {
  nlohmann::ordered_json line;
  line["time"] = Rfc3339Millis(unix_millis);
  line["level"] = LevelName(level);
  line["msg"] = std::string(msg);
  for (const auto& [name, value] : fields) {
    std::string key(name);
    if (IsSecretFieldName(name)) {
      line[key] = "[redacted]";
      continue;
    }
    switch (value.kind()) {
      case LogValue::Kind::kText: line[key] = value.text(); break;
      case LogValue::Kind::kInt: line[key] = value.as_int(); break;
      case LogValue::Kind::kDouble: line[key] = value.as_double(); break;
      case LogValue::Kind::kBool: line[key] = value.as_bool(); break;
    }
  }
  // Invalid UTF-8 in a message (say, a hostile header) is replaced, never thrown on.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void Logger::Log(LogLevel level, std::string_view msg, const LogFields& fields) {
  if (level < min_level_) return;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string line = Format(level, msg, fields, now);
  if (BufferedLogSink* sink = buffered_.load(std::memory_order_acquire)) {
    sink->Append(line, /*urgent=*/level >= LogLevel::kError);
    return;
  }
  std::lock_guard lock(mutex_);
  sink_(line);
}

Logger& Log() {
  // Never destroyed, stopped at exit instead: a static destroyed at exit, or a
  // thread still running then, may log after any destructor of ours has run.
  // Registered when first used, so statics made later (destroyed earlier) still
  // log through the buffer; those made earlier log after it, written at once.
  static Logger* const logger = [] {
    auto* made = new Logger();
    std::atexit([] { Log().StopBuffering(); });
    return made;
  }();
  return *logger;
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

}  // namespace citadel::core
