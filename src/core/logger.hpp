// Structured logging: one JSON object per line, to stderr by default.
//
// Every line has "time" (UTC, RFC 3339 with milliseconds), "level" and "msg";
// callers add fields (request id, tenant, route, status, duration...).
// Secrets never reach a log: a field whose name says it holds one (password,
// secret, token, cookie, key, authorization, dsn) is written as "[redacted]"
// whatever its value, so a careless call cannot leak it. The guard is a net,
// not a licence: code still never passes secrets here.
//
// Thread-safe: lines are written whole. The sink is owned by the Logger. The
// default Logger() hands lines to a BufferedLogSink (buffered_log_sink.hpp): a
// writer thread writes them to stderr a few milliseconds later, error lines
// without the coalescing wait. A custom sink is called at once, under a mutex.
// The global logger lives for the whole process; at exit it writes what it
// holds and then writes each later line at once.
#pragma once

#include <atomic>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace citadel::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// A field value: text, integer, float or boolean.
class LogValue {
 public:
  enum class Kind { kText, kInt, kDouble, kBool };
  LogValue(std::string_view v) : kind_(Kind::kText), text_(v) {}  // NOLINT(google-explicit-constructor)
  LogValue(const std::string& v) : kind_(Kind::kText), text_(v) {}  // NOLINT
  LogValue(const char* v) : kind_(Kind::kText), text_(v) {}  // NOLINT
  LogValue(int v) : kind_(Kind::kInt), int_(v) {}  // NOLINT
  LogValue(long v) : kind_(Kind::kInt), int_(v) {}  // NOLINT
  LogValue(long long v) : kind_(Kind::kInt), int_(v) {}  // NOLINT
  LogValue(unsigned v) : kind_(Kind::kInt), int_(v) {}  // NOLINT
  LogValue(unsigned long v) : kind_(Kind::kInt), int_(static_cast<std::int64_t>(v)) {}  // NOLINT
  LogValue(unsigned long long v) : kind_(Kind::kInt), int_(static_cast<std::int64_t>(v)) {}  // NOLINT
  LogValue(double v) : kind_(Kind::kDouble), double_(v) {}  // NOLINT
  LogValue(bool v) : kind_(Kind::kBool), bool_(v) {}  // NOLINT

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  std::int64_t as_int() const { return int_; }
  double as_double() const { return double_; }
  bool as_bool() const { return bool_; }

 private:
  Kind kind_;
  std::string text_;
  std::int64_t int_ = 0;
  double double_ = 0;
  bool bool_ = false;
};

using LogFields = std::vector<std::pair<std::string_view, LogValue>>;

class BufferedLogSink;

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // Writes to stderr.
  Logger();
  explicit Logger(Sink sink);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void SetLevel(LogLevel level) { min_level_ = level; }
  LogLevel level() const { return min_level_; }

  void Log(LogLevel level, std::string_view msg, const LogFields& fields = {});
  void Debug(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kDebug, msg, fields); }
  void Info(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kInfo, msg, fields); }
  void Warn(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kWarn, msg, fields); }
  void Error(std::string_view msg, const LogFields& fields = {}) { Log(LogLevel::kError, msg, fields); }

  // Renders one line without writing it (used by tests and by Log).
  static std::string Format(LogLevel level, std::string_view msg, const LogFields& fields,
                            std::int64_t unix_millis);
  // The same line built as an nlohmann object and dumped: what Format writes
  // directly must equal it (tests compare them); Format uses it for fields
  // with repeated names, where the object keeps the last value in the first
  // place.
  static std::string FormatAsJsonObject(LogLevel level, std::string_view msg, const LogFields& fields,
                                        std::int64_t unix_millis);

  // True if a field of this name must never carry its value into a log.
  static bool IsSecretFieldName(std::string_view name);

  // The stderr logger only, for a server whose I/O threads log per request:
  // from now on lines go through a bounded buffer that a thread of its own
  // writes (buffered_log_sink.hpp says why and what it trades). Until then,
  // and in every command that never calls it, each line is written before
  // Log returns, so it comes before anything the command writes to stderr
  // after it (a CLI's closing message). Later calls do nothing.
  void StartBuffering();
  // The stderr logger, once buffering: writes what it holds and joins its
  // writer thread; later lines are written at once. Otherwise nothing to do.
  void StopBuffering();

 private:
  const bool to_stderr_ = false;                 // the default logger's
  std::unique_ptr<BufferedLogSink> owned_;       // made by StartBuffering
  std::atomic<BufferedLogSink*> buffered_{nullptr};  // owned_, once published
  Sink sink_;
  std::mutex mutex_;
  LogLevel min_level_ = LogLevel::kInfo;
};

// The process-wide logger. Replace the sink only at start-up, before threads run.
Logger& Log();
std::optional<LogLevel> ParseLogLevel(std::string_view name);

}  // namespace citadel::core
