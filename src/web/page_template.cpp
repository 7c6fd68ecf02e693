#include "web/page_template.hpp"

#include <stdexcept>

#include <kainjow/mustache.hpp>

namespace citadel::web {

struct PageValues::Data {
  kainjow::mustache::data root = kainjow::mustache::data(kainjow::mustache::data::type::object);
  kainjow::mustache::data sanitized = kainjow::mustache::data(kainjow::mustache::data::type::object);
};

namespace {

constexpr std::string_view kSanitizedHtmlKey = "sanitized_html";

std::string_view TrimTemplateTag(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

bool IsTemplateIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Why a tag is refused, or empty when it may stay.
std::string RefusedTagReason(std::string_view contents) {
  if (contents.empty()) return {};
  switch (contents.front()) {
    case '&': {
      const std::string_view name = TrimTemplateTag(contents.substr(1));
      if (name.starts_with(kSanitizedHtmlPrefix) &&
          IsTemplateIdentifier(name.substr(kSanitizedHtmlPrefix.size()))) {
        return {};
      }
      return "unescaped output {{&" + std::string(name) + "}} (only {{& sanitized_html.NAME}} may be raw)";
    }
    case '=':
      return "a delimiter change {{" + std::string(contents) + "}}";
    case '>':
      return "a partial {{" + std::string(contents) + "}}";
    default:
      return {};
  }
}

void CheckName(std::string_view name) {
  if (name == kSanitizedHtmlKey || name.empty()) {
    throw std::invalid_argument("PageValues: reserved or empty name '" + std::string(name) + "'");
  }
}

}  // namespace

PageValues::PageValues() : data_(std::make_unique<Data>()) {}
PageValues::~PageValues() = default;
PageValues::PageValues(const PageValues& other) : data_(std::make_unique<Data>(*other.data_)) {}
PageValues& PageValues::operator=(const PageValues& other) {
  if (this != &other) data_ = std::make_unique<Data>(*other.data_);
  return *this;
}

PageValues& PageValues::Set(std::string_view name, std::string_view text) {
  CheckName(name);
  data_->root.set(std::string(name), std::string(text));
  return *this;
}

PageValues& PageValues::SetUnlessEmpty(std::string_view name, std::string_view text) {
  CheckName(name);
  if (!text.empty()) data_->root.set(std::string(name), std::string(text));
  return *this;
}

PageValues& PageValues::SetFlag(std::string_view name, bool on) {
  CheckName(name);
  data_->root.set(std::string(name), kainjow::mustache::data(on));
  return *this;
}

PageValues& PageValues::SetList(std::string_view name, const std::vector<std::string>& texts) {
  CheckName(name);
  kainjow::mustache::data list(kainjow::mustache::data::type::list);
  for (const std::string& text : texts) list.push_back(kainjow::mustache::data(text));
  data_->root.set(std::string(name), list);
  return *this;
}

PageValues& PageValues::SetRows(std::string_view name,
                                const std::vector<std::map<std::string, std::string>>& rows) {
  CheckName(name);
  kainjow::mustache::data list(kainjow::mustache::data::type::list);
  for (const auto& row : rows) {
    kainjow::mustache::data object(kainjow::mustache::data::type::object);
    for (const auto& [column, text] : row) {
      CheckName(column);
      object.set(column, text);
    }
    list.push_back(object);
  }
  data_->root.set(std::string(name), list);
  return *this;
}

PageValues& PageValues::SetSanitizedHtml(std::string_view name, const SanitizedHtml& html) {
  if (!IsTemplateIdentifier(name)) throw std::invalid_argument("PageValues: bad sanitized_html name");
  data_->sanitized.set(std::string(name), html.html());
  return *this;
}

core::Result<PageTemplate> PageTemplate::Load(std::string_view name, std::string_view text) {
  auto refuse = [&](const std::string& why) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "template " + std::string(name) + ": " + why);
  };
  std::size_t position = 0;
  while ((position = text.find("{{", position)) != std::string_view::npos) {
    if (position + 2 < text.size() && text[position + 2] == '{') {
      return refuse("unescaped output {{{...}}} at byte " + std::to_string(position) +
                    " (only {{& sanitized_html.NAME}} may be raw)");
    }
    const std::size_t end = text.find("}}", position + 2);
    if (end == std::string_view::npos) return refuse("unclosed tag at byte " + std::to_string(position));
    const std::string why = RefusedTagReason(TrimTemplateTag(text.substr(position + 2, end - position - 2)));
    if (!why.empty()) return refuse(why + " at byte " + std::to_string(position));
    position = end + 2;
  }
  const kainjow::mustache::mustache parsed{std::string(text)};
  if (!parsed.is_valid()) return refuse(parsed.error_message());
  return PageTemplate(std::string(name), std::string(text));
}

std::string PageTemplate::Render(const PageValues& values) const {
  kainjow::mustache::mustache parsed{text_};
  kainjow::mustache::data data = values.data().root;
  data.set(std::string(kSanitizedHtmlKey), values.data().sanitized);
  std::string html = parsed.render(data);
  if (!parsed.is_valid()) throw std::runtime_error("template " + name_ + ": " + parsed.error_message());
  return html;
}

}  // namespace citadel::web
