// HTML sanitising for html fields, as Odoo's html_sanitize (odoo/tools/mail.py,
// fields.Html(sanitize=True)): what a user writes into an html field is
// rendered later in other users' browsers, so nothing able to run script may
// survive the write.
//
// The input is parsed with libxml2's HTML parser (as a browser would, with
// its error recovery) and the tree is walked against allow-lists; the output
// is serialised by us, every text and attribute value escaped:
//   * killed with their content: script, style, iframe, frame, frameset,
//     object, embed, applet, noscript, head, title, meta, link, base,
//     template, and the form controls (button, input, select, textarea);
//   * unwrapped (the tag goes, its sanitised content stays): html, body,
//     form, and any tag not in the allow-list (svg, math, audio, video...);
//   * kept: ordinary formatting (p, br, b, i, u, s, strong, em, span, div,
//     h1-h6, ul/ol/li, dl/dt/dd, blockquote, pre, code, hr, a, img, tables,
//     HTML5 sections...), with only allow-listed attributes (lxml's safe
//     attributes, style, Odoo's data-oe-* editor attributes); no on*
//     attribute ever;
//   * URLs (href, src, cite, longdesc, usemap): relative, http(s), mailto,
//     tel, sms; img src also data:image/(png|jpeg|gif|webp|bmp); anything else
//     (javascript:, vbscript:, data: in href...) drops the attribute;
//   * style attributes holding expression(), javascript:, @import,
//     behavior or -moz-binding are dropped; comments are dropped.
// Input over kMaxHtmlBytes is refused with a ValidationError; NUL bytes are
// removed first (browsers read them as U+FFFD).
//
// Pure function; thread-safe (libxml2's parser is, per document).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace citadel::orm {

inline constexpr std::size_t kMaxHtmlBytes = 2 * 1024 * 1024;

std::string SanitizeHtml(std::string_view html);

}  // namespace citadel::orm
