// The HTTP answers of web pages: HTML (text/html; UTF-8; never cached, as
// pages carry CSRF tokens and account details), 303 redirects, and the one
// "refused" page. The edge adds the security headers (HSTS, CSP, nosniff,
// frame denial; http/security_headers.hpp) to every one. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/request.hpp"
#include "web/page_templates.hpp"

namespace citadel::web {

http::Response HtmlPage(int status, std::string html);
// 303 See Other to a path on this site (never a URL from input).
http::Response RedirectTo(std::string_view path);
http::Response RefusedPage(const PageTemplates& templates, int status, std::string_view title,
                           std::string_view text);

}  // namespace citadel::web
