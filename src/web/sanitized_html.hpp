// SanitizedHtml: the only way raw HTML reaches a page. A value of this type
// has been through orm::SanitizeHtml (libxml2, allow-listed tags, attributes
// and URL schemes; orm/html_sanitizer.hpp); nothing else can construct one,
// except QrCodeSvg (qr_code_svg.hpp), whose markup holds no input at all.
// Templates show it through the one unescaped form they may use,
// {{& sanitized_html.NAME}} (page_template.hpp), and PageValues accepts
// values under sanitized_html only of this type. Immutable; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orm/html_sanitizer.hpp"

namespace citadel::web {

class SanitizedHtml;
std::optional<SanitizedHtml> QrCodeSvg(std::string_view text);

class SanitizedHtml {
 public:
  // Sanitises `untrusted` (throws orm::ValidationError past orm::kMaxHtmlBytes).
  static SanitizedHtml From(std::string_view untrusted) { return SanitizedHtml(orm::SanitizeHtml(untrusted)); }

  const std::string& html() const { return html_; }

 private:
  explicit SanitizedHtml(std::string html) : html_(std::move(html)) {}
  friend std::optional<SanitizedHtml> QrCodeSvg(std::string_view text);
  std::string html_;
};

}  // namespace citadel::web
