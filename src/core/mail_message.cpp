#include "core/mail_message.hpp"

#include <ctime>

namespace citadel::core {
namespace {

bool IsPrintableAsciiText(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Body lines get CRLF, and none may exceed SMTP's 998-octet line limit
// (a relay would break or refuse it).
Result<std::string> BodyWithCrlf(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 40 + 2);
  std::size_t line = 0;
  for (char c : body) {
    if (c == '\r') continue;
    if (c == '\0') return Fail(ErrorCode::kInvalidArgument, "mail body holds a NUL byte");
    if (c == '\n') {
      out += "\r\n";
      line = 0;
      continue;
    }
    if (++line > 998) return Fail(ErrorCode::kInvalidArgument, "mail body line over 998 octets");
    out.push_back(c);
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

}  // namespace

bool IsPlainMailAddress(std::string_view address) {
  if (address.empty() || address.size() > kMaxMailAddressBytes) return false;
  const std::size_t at = address.rfind('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size()) return false;
  if (address.find('@') != at) return false;
  for (unsigned char c : address) {
    if (c <= 0x20 || c > 0x7e) return false;
    if (c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '(' || c == ')' || c == '\\' ||
        c == '[' || c == ']' || c == ':') {
      return false;
    }
  }
  return true;
}

Result<std::string> ComposeMail(const MailMessage& message, std::string_view date, std::string_view message_id) {
  if (!IsPlainMailAddress(message.from)) return Fail(ErrorCode::kInvalidArgument, "mail: invalid From address");
  if (!IsPlainMailAddress(message.to)) return Fail(ErrorCode::kInvalidArgument, "mail: invalid To address");
  if (message.subject.size() > kMaxMailSubjectBytes || !IsPrintableAsciiText(message.subject)) {
    return Fail(ErrorCode::kInvalidArgument, "mail: the subject must be printable ASCII of at most 200 bytes");
  }
  if (message.body.size() > kMaxMailBodyBytes) return Fail(ErrorCode::kInvalidArgument, "mail: body too long");
  if (!IsPrintableAsciiText(date) || !IsPrintableAsciiText(message_id)) {
    return Fail(ErrorCode::kInvalidArgument, "mail: invalid date or message id");
  }
  auto body = BodyWithCrlf(message.body);
  if (!body) return Unexpected(body.error());
  std::string out;
  out += "From: " + message.from + "\r\n";
  out += "To: " + message.to + "\r\n";
  out += "Subject: " + message.subject + "\r\n";
  out += "Date: " + std::string(date) + "\r\n";
  out += "Message-ID: <" + std::string(message_id) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += *body;
  return out;
}

std::string MailDateNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return std::string(buffer, n);
}

}  // namespace citadel::core
