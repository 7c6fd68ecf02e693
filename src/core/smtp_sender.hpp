// SmtpSender: hands one message to the configured relay ([mail], config.hpp)
// over a real SMTP conversation, through libcurl's SMTP client rather than
// protocol code of our own.
//
//   SmtpSender sender(config.mail);
//   auto sent = sender.Send({"erp@example.com", "ann@example.com", "Subject", "text"});
//
// Security: with starttls (the default) the conversation must upgrade to TLS
// before anything but EHLO is said (CURLUSESSL_ALL: a relay that does not
// offer STARTTLS fails the send, never falls back to plain text), and the
// relay's certificate must verify against the system's CAs or `ca_file`, for
// the relay's host name. AUTH only happens inside TLS (libcurl sends no
// credentials in clear when TLS is required). Bounded: the whole conversation,
// connect included, must end within timeout_seconds.
//
// Errors name what failed (libcurl's error text and code) and never the
// message, its recipient's link or the relay's password.
//
// Send blocks (network): call it on the mail pool (mail_outbox.hpp), never
// on an I/O thread. Thread-safe: each Send uses its own libcurl handle.
#pragma once

#include "core/config.hpp"
#include "core/mail_message.hpp"
#include "core/result.hpp"

namespace citadel::core {

class SmtpSender {
 public:
  explicit SmtpSender(MailConfig config);

  // Whether a relay is configured at all.
  bool enabled() const { return !config_.host.empty(); }

  Result<void> Send(const MailMessage& message) const;

 private:
  MailConfig config_;
};

}  // namespace citadel::core
