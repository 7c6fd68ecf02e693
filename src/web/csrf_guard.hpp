// FormGuard: the one place every state-changing browser form passes through.
// A form route is added only with AddFormRoute, which, before the route's
// handler sees anything:
//   1. refuses a body that is not application/x-www-form-urlencoded (415) or
//      not a well-formed, bounded form (400; form_body.hpp);
//   2. refuses a foreign Origin (http/same_origin.hpp; defence in depth);
//   3. refuses (403, a page saying to reload; the handler never runs) unless
//      the form's csrf_token field is the CSRF token (auth/csrf_token.hpp) of
//      this browser's binding.
//
// The binding is what the browser holds and a forging site cannot read: its
// session_id cookie when it has one, otherwise a pre-session cookie
// (citadel_presession: 256 random bits, Secure, HttpOnly, SameSite=Lax) that
// the GET of a page sets when neither is there. Signing in replaces the
// session id, so a token from before no longer passes; another browser's
// token never does.
//
// Pages render their token with TokenFor(BindingOf(request)) and send the
// binding's Set-Cookie when there is one. Thread-safe (immutable); the
// CsrfTokens and templates must outlive the router.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "auth/csrf_token.hpp"
#include "http/router.hpp"
#include "web/form_body.hpp"
#include "web/page_templates.hpp"

namespace citadel::web {

inline constexpr const char* kSessionCookie = "session_id";
inline constexpr const char* kPreSessionCookie = "citadel_presession";

struct BrowserBinding {
  std::string value;                      // "session:<id>" or "presession:<id>"
  std::optional<std::string> set_cookie;  // a new pre-session cookie to send
};

// A form that passed the guard.
struct FormRequest {
  FormFields fields;
  std::string binding;                    // BrowserBinding::value: for the next page's token
  std::optional<std::string> session_id;  // the session_id cookie, if any
  std::string host;                       // the Host header
  std::string client_ip;
  std::string request_id;
};

using FormHandler = std::function<void(FormRequest, http::Responder)>;

class FormGuard {
 public:
  FormGuard(const auth::CsrfTokens& csrf, const PageTemplates& templates) : csrf_(csrf), templates_(templates) {}

  BrowserBinding BindingOf(const http::Request& request) const;
  std::string TokenFor(const BrowserBinding& binding) const { return csrf_.For(binding.value); }

  // POST `pattern` through the checks above. The handler runs on the I/O
  // thread: it must hand blocking work to a pool.
  void AddFormRoute(http::Router& router, const std::string& pattern, FormHandler handler) const;

 private:
  const auth::CsrfTokens& csrf_;
  const PageTemplates& templates_;
};

}  // namespace citadel::web
