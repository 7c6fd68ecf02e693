// QrCodeSvg: a QR code (libqrencode, Debian's libqrencode-dev) drawn as an
// inline SVG, for the TOTP enrolment page (totp_pages.cpp). Inline because
// the pages' CSP (http/security_headers.hpp: default-src 'self') refuses
// data: images, and a separate image URL would serve the secret twice.
//
// It returns a web::SanitizedHtml without the HTML sanitiser (which allows
// no SVG): the markup is made here from fixed text and the module grid's
// coordinates only; the encoded text reaches nothing but libqrencode, never
// the markup. That is why this one function may construct the type.
//
// Pure; thread-safe (libqrencode's QRcode_encodeString is reentrant).
#pragma once

#include <optional>
#include <string_view>

#include "web/sanitized_html.hpp"

namespace citadel::web {

// Longer text is not encoded (an otpauth URI is ~150 bytes).
inline constexpr std::size_t kMaxQrTextBytes = 1024;

// The code of `text` (error correction M), or nullopt when it cannot be
// encoded (too long).
std::optional<SanitizedHtml> QrCodeSvg(std::string_view text);

}  // namespace citadel::web
