// An e-mail Citadel writes itself (a password reset link), as the bytes an
// SMTP relay receives: RFC 5322 headers and a plain-text UTF-8 body, CRLF
// line ends, no line over 998 octets.
//
// Why so strict: addresses and the subject go into header lines, so a CR or
// LF in them would let whoever chose them add headers or recipients. Compose
// refuses such values (and anything over the bounds below) instead of
// cleaning them. Pure; thread-safe.
#pragma once

#include <string>

#include "core/result.hpp"

namespace citadel::core {

inline constexpr std::size_t kMaxMailAddressBytes = 254;  // RFC 5321's path limit
inline constexpr std::size_t kMaxMailSubjectBytes = 200;
inline constexpr std::size_t kMaxMailBodyBytes = 64 * 1024;

struct MailMessage {
  std::string from;     // a bare address: "erp@example.com"
  std::string to;       // one bare address
  std::string subject;  // ASCII
  std::string body;     // UTF-8 text; "\n" line ends
};

// Whether `address` is a plain addr-spec Citadel is willing to put in a
// header and an SMTP command: local@domain, printable ASCII, no spaces,
// quotes, angle brackets, commas or control characters, within the bound.
bool IsPlainMailAddress(std::string_view address);

// The message as sent (headers, blank line, body). `message_id_domain` names
// the sender's domain in Message-ID; `date` is the RFC 5322 date text.
Result<std::string> ComposeMail(const MailMessage& message, std::string_view date,
                                std::string_view message_id);

// Now, as RFC 5322 wants it: "Thu, 03 Dec 2026 09:30:00 +0000".
std::string MailDateNow();

}  // namespace citadel::core
