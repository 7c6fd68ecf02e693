#include "core/smtp_sender.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <curl/curl.h>

#include "core/random.hpp"

namespace citadel::core {
namespace {

// curl_global_init is not safe to race with other threads' first use.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UploadCursor {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* cursor = static_cast<UploadCursor*>(user);
  const std::size_t room = size * count;
  const std::size_t left = cursor->data->size() - cursor->offset;
  const std::size_t n = std::min(room, left);
  std::memcpy(buffer, cursor->data->data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}

struct CurlHandle {
  CURL* handle = curl_easy_init();
  curl_slist* recipients = nullptr;
  ~CurlHandle() {
    if (recipients) curl_slist_free_all(recipients);
    if (handle) curl_easy_cleanup(handle);
  }
};

// The domain part of the sender, for Message-ID.
std::string DomainOf(const std::string& address) { return address.substr(address.rfind('@') + 1); }

}  // namespace

SmtpSender::SmtpSender(MailConfig config) : config_(std::move(config)) { InitCurlOnce(); }

Result<void> SmtpSender::Send(const MailMessage& message) const {
  if (!enabled()) return Fail(ErrorCode::kUnavailable, "mail: no relay configured ([mail] host)");
  auto composed = ComposeMail(message, MailDateNow(), RandomHex(16) + "@" + DomainOf(message.from));
  if (!composed) return Unexpected(composed.error());
  CurlHandle curl;
  if (!curl.handle) return Fail(ErrorCode::kInternal, "mail: libcurl could not start");
  CURL* h = curl.handle;
  const std::string url = "smtp://" + config_.host + ":" + std::to_string(config_.port);
  const std::string from = "<" + message.from + ">";
  const std::string to = "<" + message.to + ">";
  curl.recipients = curl_slist_append(nullptr, to.c_str());
  UploadCursor cursor{&*composed};
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(config_.timeout_seconds, 10)));
  if (config_.starttls) {
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (!config_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
  }
  if (!config_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, curl.recipients);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &cursor);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    std::string reason = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    return Fail(code == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                "mail: sending through " + config_.host + ":" + std::to_string(config_.port) + " failed: " +
                    reason + " (libcurl " + std::to_string(static_cast<int>(code)) + ")");
  }
  return {};
}

}  // namespace citadel::core
