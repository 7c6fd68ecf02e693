// MailOutbox: sends e-mails on a small pool of its own, so that a slow or
// unreachable relay (up to [mail] timeout_seconds per message) never holds an
// I/O thread or a database worker — as password hashing has its own pool.
//
//   outbox.Submit(message, [](core::Result<void> sent) { ... });  // false: queue full
//
// `done` runs on a mail thread, exactly once, when Submit returned true. The
// queue is bounded: past kMaxQueuedMails, Submit refuses (the caller says
// "could not send"). Thread-safe; the destructor sends what is queued, then
// joins.
#pragma once

#include <cstddef>
#include <functional>

#include "core/bounded_worker_pool.hpp"
#include "core/smtp_sender.hpp"

namespace citadel::core {

class MailOutbox {
 public:
  static constexpr std::size_t kMailThreads = 2;
  static constexpr std::size_t kMaxQueuedMails = 256;

  explicit MailOutbox(MailConfig config)
      : sender_(std::move(config)), pool_("mail", kMailThreads, kMaxQueuedMails) {}

  bool enabled() const { return sender_.enabled(); }

  [[nodiscard]] bool Submit(MailMessage message, std::function<void(Result<void>)> done) {
    return pool_.Submit([this, message = std::move(message), done = std::move(done)] {
      done(sender_.Send(message));
    });
  }

  void Shutdown() { pool_.Shutdown(); }

 private:
  const SmtpSender sender_;
  BoundedWorkerPool pool_;  // last: its threads use sender_, and are joined first
};

}  // namespace citadel::core
