#include "orm/html_sanitizer.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "orm/errors.hpp"

namespace citadel::orm {
namespace {

using namespace std::string_view_literals;

constexpr std::array kKilledTags = {
    "script"sv, "style"sv,  "iframe"sv,   "frame"sv, "frameset"sv, "object"sv, "embed"sv,
    "applet"sv, "noscript"sv, "head"sv,   "title"sv, "meta"sv,     "link"sv,   "base"sv,
    "template"sv, "button"sv, "input"sv,  "select"sv, "textarea"sv, "param"sv, "xml"sv,
};

constexpr std::array kAllowedTags = {
    "a"sv,       "abbr"sv,    "acronym"sv, "address"sv, "area"sv,    "article"sv, "aside"sv,  "b"sv,
    "bdi"sv,     "bdo"sv,     "big"sv,     "blockquote"sv, "br"sv,   "caption"sv, "center"sv, "cite"sv,
    "code"sv,    "col"sv,     "colgroup"sv, "dd"sv,     "del"sv,     "dfn"sv,     "dir"sv,    "div"sv,
    "dl"sv,      "dt"sv,      "em"sv,      "figcaption"sv, "figure"sv, "font"sv,  "footer"sv, "h1"sv,
    "h2"sv,      "h3"sv,      "h4"sv,      "h5"sv,      "h6"sv,      "header"sv,  "hgroup"sv, "hr"sv,
    "i"sv,       "img"sv,     "ins"sv,     "kbd"sv,     "label"sv,   "legend"sv,  "li"sv,     "main"sv,
    "map"sv,     "mark"sv,    "nav"sv,     "ol"sv,      "p"sv,       "pre"sv,     "q"sv,      "s"sv,
    "samp"sv,    "section"sv, "small"sv,   "span"sv,    "strike"sv,  "strong"sv,  "sub"sv,    "sup"sv,
    "table"sv,   "tbody"sv,   "td"sv,      "tfoot"sv,   "th"sv,      "thead"sv,   "time"sv,   "tr"sv,
    "tt"sv,      "u"sv,       "ul"sv,      "var"sv,     "wbr"sv,     "details"sv, "summary"sv, "fieldset"sv,
};

constexpr std::array kVoidTags = {"area"sv, "br"sv, "col"sv, "hr"sv, "img"sv, "wbr"sv};

// lxml's safe_attrs without the form ones, plus style and Odoo's editor data
// attributes.
constexpr std::array kAllowedAttributes = {
    "abbr"sv, "accesskey"sv, "align"sv, "alt"sv, "axis"sv, "border"sv, "cellpadding"sv, "cellspacing"sv,
    "char"sv, "charoff"sv, "cite"sv, "class"sv, "clear"sv, "cols"sv, "colspan"sv, "color"sv, "compact"sv,
    "coords"sv, "datetime"sv, "dir"sv, "headers"sv, "height"sv, "href"sv, "hreflang"sv, "hspace"sv, "id"sv,
    "ismap"sv, "label"sv, "lang"sv, "longdesc"sv, "nohref"sv, "noshade"sv, "nowrap"sv, "rel"sv, "rev"sv,
    "rows"sv, "rowspan"sv, "rules"sv, "scope"sv, "shape"sv, "size"sv, "span"sv, "src"sv, "start"sv,
    "summary"sv, "tabindex"sv, "target"sv, "title"sv, "type"sv, "usemap"sv, "valign"sv, "value"sv,
    "vspace"sv, "width"sv, "style"sv, "open"sv,
    "data-o-mail-quote"sv, "data-o-mail-quote-node"sv, "data-oe-model"sv, "data-oe-id"sv, "data-oe-field"sv,
    "data-oe-type"sv, "data-oe-expression"sv, "data-oe-translation-source-sha"sv, "data-oe-nodeid"sv,
    "data-last-history-steps"sv, "data-oe-protected"sv, "data-embedded"sv, "data-embedded-editable"sv,
    "data-embedded-props"sv, "data-oe-version"sv, "data-oe-transient-content"sv, "data-behavior-props"sv,
    "data-prop-name"sv, "data-width"sv, "data-height"sv, "data-scale-x"sv, "data-scale-y"sv, "data-x"sv,
    "data-y"sv, "data-oe-role"sv, "data-oe-aria-label"sv, "data-publish"sv, "data-id"sv, "data-res_id"sv,
    "data-interval"sv, "data-member_id"sv, "data-scroll-background-ratio"sv, "data-view-id"sv, "data-class"sv,
    "data-mimetype"sv, "data-original-src"sv, "data-original-id"sv, "data-gl-filter"sv, "data-quality"sv,
    "data-resize-width"sv, "data-shape"sv, "data-shape-colors"sv, "data-file-name"sv,
    "data-original-mimetype"sv, "data-mimetype-before-conversion"sv,
};

constexpr std::array kUrlAttributes = {"href"sv, "src"sv, "cite"sv, "longdesc"sv, "usemap"sv};
constexpr std::array kUrlSchemes = {"http"sv, "https"sv, "mailto"sv, "tel"sv, "sms"sv};
constexpr std::array kImageData = {"data:image/png"sv, "data:image/jpeg"sv, "data:image/jpg"sv,
                                   "data:image/gif"sv, "data:image/webp"sv, "data:image/bmp"sv};
constexpr std::array kStyleThreats = {"expression("sv, "javascript:"sv, "vbscript:"sv, "@import"sv,
                                      "behavior:"sv, "-moz-binding"sv, "data:text"sv};

// Deeper than libxml2's own parse limit; a guard for the recursive walk.
constexpr int kMaxDepth = 1024;

template <std::size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Text(const xmlChar* text) {
  return text == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(text));
}

// The URL as a browser reads its scheme: control characters and spaces
// anywhere ignored ("java\tscript:" is javascript:), case folded.
std::string Compact(std::string_view url) {
  std::string out;
  for (unsigned char c : url) {
    if (c > 0x20 && c != 0x7f) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

bool SafeUrl(std::string_view attribute, std::string_view element, std::string_view url) {
  const std::string compact = Compact(url);
  const auto end = compact.find_first_of(":/?#");
  if (end == std::string::npos || compact[end] != ':') return true;  // relative
  const std::string_view scheme = std::string_view(compact).substr(0, end);
  if (In(kUrlSchemes, scheme)) return true;
  if (attribute == "src" && element == "img") {
    for (std::string_view prefix : kImageData) {
      if (compact.starts_with(prefix) && compact.size() > prefix.size() &&
          (compact[prefix.size()] == ';' || compact[prefix.size()] == ',')) {
        return true;
      }
    }
  }
  return false;
}

bool SafeStyle(std::string_view style) {
  std::string compact;
  for (std::size_t i = 0; i < style.size(); ++i) {
    if (style.substr(i, 2) == "/*") {  // CSS comments split keywords: "expres/**/sion("
      const auto close = style.find("*/", i + 2);
      if (close == std::string_view::npos) break;
      i = close + 1;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(style[i]);
    if (c > 0x20 && c != '\\' && c != 0x7f) compact.push_back(static_cast<char>(std::tolower(c)));
  }
  return std::none_of(kStyleThreats.begin(), kStyleThreats.end(),
                      [&](std::string_view threat) { return compact.find(threat) != std::string::npos; });
}

void Escape(std::string_view text, bool attribute, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out.push_back(c);
    }
  }
}

void EmitAttributes(const xmlNode* element, std::string_view name, std::string& out) {
  for (const xmlAttr* attr = element->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns != nullptr) continue;  // xlink:href and friends
    const std::string attr_name = Lowercase(Text(attr->name));
    if (!In(kAllowedAttributes, attr_name)) continue;
    std::unique_ptr<xmlChar, decltype(xmlFree)> value(xmlNodeListGetString(element->doc, attr->children, 1),
                                                      xmlFree);
    const std::string_view text = Text(value.get());
    if (In(kUrlAttributes, attr_name) && !SafeUrl(attr_name, name, text)) continue;
    if (attr_name == "style" && !SafeStyle(text)) continue;
    out += ' ';
    out += attr_name;
    out += "=\"";
    Escape(text, true, out);
    out += '"';
  }
}

void EmitChildren(const xmlNode* parent, std::string& out, int depth) {
  if (depth > kMaxDepth) return;
  for (const xmlNode* node = parent->children; node != nullptr; node = node->next) {
    switch (node->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        Escape(Text(node->content), false, out);
        break;
      case XML_ELEMENT_NODE: {
        const std::string name = Lowercase(Text(node->name));
        if (In(kKilledTags, name)) break;
        if (!In(kAllowedTags, name)) {
          EmitChildren(node, out, depth + 1);  // unwrapped
          break;
        }
        out += '<';
        out += name;
        EmitAttributes(node, name, out);
        out += '>';
        if (In(kVoidTags, name)) break;
        EmitChildren(node, out, depth + 1);
        out += "</";
        out += name;
        out += '>';
        break;
      }
      default:  // comments, processing instructions, DTDs: dropped
        break;
    }
  }
}

}  // namespace

std::string SanitizeHtml(std::string_view html) {
  if (html.size() > kMaxHtmlBytes) {
    throw ValidationError("The HTML content is too large (" + std::to_string(html.size()) +
                          " bytes; at most " + std::to_string(kMaxHtmlBytes) + ").");
  }
  std::string input;
  input.reserve(html.size());
  std::copy_if(html.begin(), html.end(), std::back_inserter(input), [](char c) { return c != '\0'; });
  if (input.empty()) return input;
  // The parser puts the fragment in an implied <html><body>, which the walk
  // unwraps. (HTML_PARSE_NOIMPLIED would wrap bare text in <p> and, in
  // libxml2 2.9, nest sibling blocks into each other.)
  const int options = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", options), &xmlFreeDoc);
  std::string out;
  if (doc == nullptr) return out;
  EmitChildren(reinterpret_cast<const xmlNode*>(doc.get()), out, 0);
  return out;
}

}  // namespace citadel::orm
