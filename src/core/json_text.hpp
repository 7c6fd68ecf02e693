// JSON text appended piece by piece, for the hot paths that write one small
// JSON object per request (the log line, core/logger.cpp): building an
// nlohmann value first cost more than the rest of the line's work (its
// ordered map copies every entry each time it grows; perf and callgrind on a
// read call, docs/api.md, session 16).
//
// The text is exactly what nlohmann's dump(-1, ' ', false, replace) writes
// for the same value: a string of printable ASCII is written here, anything
// else (control characters, non-ASCII, invalid UTF-8, which is replaced by
// U+FFFD) and every double go through nlohmann itself, so the two can never
// disagree on escaping or number formatting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace citadel::core {

// `text` as a JSON string, quotes included.
void AppendJsonString(std::string& out, std::string_view text);
void AppendJsonInteger(std::string& out, std::int64_t value);
// As nlohmann writes a double (shortest round trip; NaN and infinities null).
void AppendJsonDouble(std::string& out, double value);

}  // namespace citadel::core
