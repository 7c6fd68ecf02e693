#include "core/logger.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/buffered_log_sink.hpp"
#include "core/json_text.hpp"

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
  // The date and time to the second are formatted once per second per
  // thread (gmtime_r and snprintf cost more than the rest of a log line).
  thread_local std::int64_t cached_second = std::numeric_limits<std::int64_t>::min();
  thread_local char cached[96];
  std::int64_t secs = unix_millis / 1000;
  int millis = static_cast<int>(unix_millis % 1000);
  if (millis < 0) {  // before 1970: floor, as gmtime_r expects whole seconds
    secs -= 1;
    millis += 1000;
  }
  if (secs != cached_second) {
    const std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = secs;
  }
  std::string text(cached);
  text += '.';
  text += static_cast<char>('0' + millis / 100);
  text += static_cast<char>('0' + millis / 10 % 10);
  text += static_cast<char>('0' + millis % 10);
  text += 'Z';
  return text;
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
  static constexpr std::string_view kMarkers[] = {"password", "passwd", "secret", "token",
                                                  "cookie",   "key",    "authorization",
                                                  "dsn",      "credential"};
  // Lowered on the stack when short (every field of every log line comes
  // here), then searched as is.
  char buffer[64];
  std::string long_name;
  char* lower = buffer;
  if (name.size() > sizeof buffer) {
    long_name.resize(name.size());
    lower = long_name.data();
  }
  std::transform(name.begin(), name.end(), lower,
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  const std::string_view lowered(lower, name.size());
  return std::any_of(std::begin(kMarkers), std::end(kMarkers),
                     [&](std::string_view marker) { return lowered.find(marker) != std::string_view::npos; });
}

namespace {

// A field named like another, or like time, level or msg: the JSON object
// keeps one entry per name (the last value, in the first one's place).
bool HasRepeatedName(const LogFields& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view name = fields[i].first;
    if (name == "time" || name == "level" || name == "msg") return true;
    for (std::size_t j = i + 1; j < fields.size(); ++j) {
      if (fields[j].first == name) return true;
    }
  }
  return false;
}

}  // namespace

std::string Logger::FormatAsJsonObject(LogLevel level, std::string_view msg, const LogFields& fields,
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

std::string Logger::Format(LogLevel level, std::string_view msg, const LogFields& fields,
                           std::int64_t unix_millis) {
  if (HasRepeatedName(fields)) return FormatAsJsonObject(level, msg, fields, unix_millis);
  // The same text, written directly (core/json_text.hpp): one line per
  // request makes this a hot path.
  std::string line;
  line.reserve(96 + msg.size() + 40 * fields.size());
  line += "{\"time\":\"";
  line += Rfc3339Millis(unix_millis);
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"msg\":";
  AppendJsonString(line, msg);
  for (const auto& [name, value] : fields) {
    line += ',';
    AppendJsonString(line, name);
    line += ':';
    if (IsSecretFieldName(name)) {
      line += "\"[redacted]\"";
      continue;
    }
    switch (value.kind()) {
      case LogValue::Kind::kText: AppendJsonString(line, value.text()); break;
      case LogValue::Kind::kInt: AppendJsonInteger(line, value.as_int()); break;
      case LogValue::Kind::kDouble: AppendJsonDouble(line, value.as_double()); break;
      case LogValue::Kind::kBool: line += value.as_bool() ? "true" : "false"; break;
    }
  }
  line += "}\n";
  return line;
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
