// Small helpers of the domain parser: field kinds, truthiness, term text.
#include "orm/domain_internal.hpp"

#include "orm/errors.hpp"

namespace citadel::orm::domain_internal {
namespace {

// Long terms (a 64 KiB string, a list of 10,000 ids) would make long
// messages; what names the term fits in this.
constexpr std::size_t kMaxTermText = 200;

std::string Dump(const Value& value) {
  // Replace, not throw, on invalid UTF-8: the message must still be made.
  return value.dump(-1, ' ', false, Value::error_handler_t::replace);
}

}  // namespace

SearchKind SearchKindOf(const Field& field) {
  if (field.name() == "id") return SearchKind::kId;
  switch (field.type()) {
    case FieldType::kInteger:
    case FieldType::kFloat:
    case FieldType::kMonetary: return SearchKind::kNumber;
    case FieldType::kChar:
    case FieldType::kText:
    case FieldType::kHtml: return SearchKind::kCharacters;
    case FieldType::kSelection: return SearchKind::kSelection;
    case FieldType::kBoolean: return SearchKind::kBoolean;
    case FieldType::kDate: return SearchKind::kDate;
    case FieldType::kDatetime: return SearchKind::kDatetime;
    case FieldType::kMany2one: return SearchKind::kMany2one;
    case FieldType::kOne2many:
    case FieldType::kMany2many: return SearchKind::kX2many;
    case FieldType::kBinary: return SearchKind::kUnsearchable;  // no column (file store)
  }
  return SearchKind::kUnsearchable;
}

bool IsTruthy(const Value& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0.0;
  // json::empty() is false for every string; the string's own is wanted.
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  if (value.is_array() || value.is_object()) return !value.empty();
  return false;  // null
}

std::string TermText(const Value& term) {
  std::string text;
  if (term.is_array()) {
    text = "[";
    for (std::size_t i = 0; i < term.size() && text.size() <= kMaxTermText; ++i) {
      if (i > 0) text += ", ";
      text += Dump(term[i]);
    }
    text += "]";
  } else {
    text = Dump(term);
  }
  if (text.size() > kMaxTermText) {
    std::size_t cut = kMaxTermText;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a whole character
    text = text.substr(0, cut) + "...";
  }
  return text;
}

void FailTerm(const std::string& term, const std::string& why) {
  throw ValidationError("Invalid leaf " + term + ": " + why);
}

}  // namespace citadel::orm::domain_internal
