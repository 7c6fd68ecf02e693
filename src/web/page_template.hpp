// PageTemplate: one HTML page, a Mustache template (kainjow/mustache, Debian's
// libkainjow-mustache-dev) that escapes every value by default: {{name}}
// writes the value with & < > " ' escaped, so what a user typed (a login, an
// error text naming it) can never become markup. Attributes in templates are
// always quoted, so the escaping covers them too.
//
// Raw HTML is refused when the template is loaded, not when a page renders:
// Load() fails for a template that uses any of Mustache's unescaped or
// template-changing forms — {{{x}}}, {{&x}} (except {{& sanitized_html.NAME}},
// the one helper, whose values can only be SanitizedHtml), {{=<% %>=}} (new
// delimiters would hide the others from this check) and {{>partial}} (a
// partial's text would escape the check). Lambdas are data, and PageValues
// has no way to hold one.
//
//   auto page = PageTemplate::Load("login.html", text);   // at start
//   PageValues values;
//   values.Set("login", typed_login).Set("csrf_token", token);
//   std::string html = page->Render(values);
//
// Immutable once loaded; Render is const and thread-safe (it renders a copy).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "web/sanitized_html.hpp"

namespace citadel::web {

inline constexpr std::string_view kSanitizedHtmlPrefix = "sanitized_html.";

// What a page shows: text values (escaped when rendered), flags for
// {{#flag}} sections, lists of text rows, and SanitizedHtml.
class PageValues {
 public:
  PageValues();
  ~PageValues();
  PageValues(const PageValues&);
  PageValues& operator=(const PageValues&);

  // `name` must not be "sanitized_html" (std::invalid_argument: a bug).
  PageValues& Set(std::string_view name, std::string_view text);
  // Set only when `text` is not empty: kainjow's sections treat an empty
  // string as true, so {{#error}}...{{/error}} needs the name left unset.
  PageValues& SetUnlessEmpty(std::string_view name, std::string_view text);
  PageValues& SetFlag(std::string_view name, bool on);
  // A list for {{#name}}{{.}}{{/name}}.
  PageValues& SetList(std::string_view name, const std::vector<std::string>& texts);
  // A list of rows for {{#name}}{{column}}...{{/name}}: each column a text,
  // escaped as any other (column names as Set's names).
  PageValues& SetRows(std::string_view name, const std::vector<std::map<std::string, std::string>>& rows);
  PageValues& SetSanitizedHtml(std::string_view name, const SanitizedHtml& html);

  struct Data;
  const Data& data() const { return *data_; }

 private:
  std::unique_ptr<Data> data_;
};

class PageTemplate {
 public:
  // The template, or kInvalidArgument naming the file and the refused form.
  static core::Result<PageTemplate> Load(std::string_view name, std::string_view text);

  std::string Render(const PageValues& values) const;
  const std::string& name() const { return name_; }

 private:
  PageTemplate(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {}
  std::string name_;
  std::string text_;
};

}  // namespace citadel::web
