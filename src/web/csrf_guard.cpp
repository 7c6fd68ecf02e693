#include "web/csrf_guard.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/random.hpp"
#include "http/cookies.hpp"
#include "http/same_origin.hpp"
#include "web/page_response.hpp"

namespace citadel::web {
namespace {

constexpr std::chrono::seconds kPreSessionLifetime = std::chrono::hours(12);

bool IsHex64Cookie(const std::optional<std::string>& value) {
  return value && value->size() == 64 &&
         std::all_of(value->begin(), value->end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsFormContentType(const std::optional<std::string>& content_type) {
  if (!content_type) return false;
  std::string type = content_type->substr(0, content_type->find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type == "application/x-www-form-urlencoded";
}

}  // namespace

BrowserBinding FormGuard::BindingOf(const http::Request& request) const {
  if (auto session = http::CookieValue(request, kSessionCookie); IsHex64Cookie(session)) {
    return {"session:" + *session, std::nullopt};
  }
  if (auto presession = http::CookieValue(request, kPreSessionCookie); IsHex64Cookie(presession)) {
    return {"presession:" + *presession, std::nullopt};
  }
  const std::string fresh = core::RandomHex(32);
  return {"presession:" + fresh, http::SessionSetCookie(kPreSessionCookie, fresh, kPreSessionLifetime)};
}

void FormGuard::AddFormRoute(http::Router& router, const std::string& pattern, FormHandler handler) const {
  auto shared_handler = std::make_shared<FormHandler>(std::move(handler));
  router.Add(
      "POST", pattern,
      [this, shared_handler](const http::Request& request, http::Responder respond) {
        if (!IsFormContentType(request.Header("Content-Type"))) {
          return respond(RefusedPage(templates_, 415, "Unsupported form", "This address takes an HTML form only."));
        }
        const auto origin = request.Header("Origin");
        const auto host = request.Header("Host");
        if (http::IsForeignOrigin(origin ? std::optional<std::string_view>(*origin) : std::nullopt,
                                  host ? std::optional<std::string_view>(*host) : std::nullopt)) {
          return respond(RefusedPage(templates_, 403, "Forbidden", "This form was sent from another site."));
        }
        auto fields = FormFields::Parse(request.body);
        if (!fields) return respond(RefusedPage(templates_, 400, "Bad form", fields.error().message));
        const BrowserBinding binding = BindingOf(request);
        // A binding made just now (no cookie came) has no token anyone saw.
        if (binding.set_cookie || !csrf_.Matches(binding.value, fields->Get("csrf_token"))) {
          return respond(RefusedPage(templates_, 403, "Forbidden",
                                     "This form has expired or was not sent from this site's page. "
                                     "Reload the page and try again."));
        }
        FormRequest form;
        form.fields = std::move(*fields);
        form.binding = binding.value;
        form.session_id = http::CookieValue(request, kSessionCookie);
        form.host = host.value_or("");
        form.client_ip = request.client_ip.ToString();
        form.request_id = request.request_id;
        (*shared_handler)(std::move(form), std::move(respond));
      },
      http::RouteOptions{kMaxFormBodyBytes});
}

}  // namespace citadel::web
