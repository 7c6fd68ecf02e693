#include "http/response_preparation.hpp"

#include <algorithm>

#include "http/header_syntax.hpp"

namespace citadel::http {
namespace {

bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  return std::none_of(value.begin(), value.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool IsServerOwned(std::string_view name) {
  static constexpr std::string_view kOwned[] = {
      "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade",
      "Trailer",        "TE",                "Content-Type", "X-Request-Id"};
  return std::any_of(std::begin(kOwned), std::end(kOwned),
                     [&](std::string_view owned) { return HeaderNameEquals(name, owned); });
}

}  // namespace

PreparedResponse PrepareResponse(Response response, const HeaderList& security_headers,
                                 std::string_view request_id, bool head_request) {
  PreparedResponse prepared;
  prepared.status = response.status >= 200 && response.status <= 599 ? response.status : 500;
  const bool may_have_body = prepared.status != 204 && prepared.status != 304;
  prepared.send_body = may_have_body && !head_request;
  prepared.headers = security_headers;
  for (auto& [name, value] : response.headers) {
    if (!IsSafeHeader(name, value) || IsServerOwned(name)) continue;
    auto security = std::find_if(prepared.headers.begin(),
                                 prepared.headers.begin() + static_cast<std::ptrdiff_t>(security_headers.size()),
                                 [&](const auto& header) { return HeaderNameEquals(header.first, name); });
    if (security != prepared.headers.begin() + static_cast<std::ptrdiff_t>(security_headers.size())) {
      security->second = std::move(value);
    } else {
      prepared.headers.emplace_back(std::move(name), std::move(value));
    }
  }
  if (may_have_body && !response.content_type.empty() &&
      IsSafeHeader("Content-Type", response.content_type)) {
    prepared.headers.emplace_back("Content-Type", std::move(response.content_type));
  }
  prepared.headers.emplace_back("X-Request-Id", std::string(request_id));
  if (may_have_body) {
    prepared.body = std::move(response.body);
    prepared.stream = std::move(response.stream);
    prepared.stream_length = prepared.stream ? response.stream_length : 0;
  } else if (response.stream) {
    response.stream->Cancel();
  }
  return prepared;
}

}  // namespace citadel::http
