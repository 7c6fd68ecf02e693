#include "web/form_body.hpp"

namespace citadel::web {
namespace {

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Result<std::string> DecodeFormComponent(std::string_view text, std::size_t limit, const char* what) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      const int high = i + 2 < text.size() ? HexDigitValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexDigitValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return core::Fail(core::ErrorCode::kInvalidArgument, std::string("malformed %-escape in a form ") + what);
      }
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (c == '\0') return core::Fail(core::ErrorCode::kInvalidArgument, std::string("NUL byte in a form ") + what);
    out.push_back(c);
    if (out.size() > limit) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        std::string("form ") + what + " over " + std::to_string(limit) + " bytes");
    }
  }
  return out;
}

}  // namespace

core::Result<FormFields> FormFields::Parse(std::string_view encoded) {
  FormFields form;
  std::size_t start = 0;
  while (start <= encoded.size()) {
    std::size_t end = encoded.find('&', start);
    if (end == std::string_view::npos) end = encoded.size();
    const std::string_view pair = encoded.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (form.fields_.size() == kMaxFormFields) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "a form of more than " + std::to_string(kMaxFormFields) + " fields");
    }
    const std::size_t equals = pair.find('=');
    auto name = DecodeFormComponent(pair.substr(0, equals), kMaxFormNameBytes, "field name");
    if (!name) return core::Unexpected(name.error());
    auto value = DecodeFormComponent(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
                                     kMaxFormValueBytes, "field value");
    if (!value) return core::Unexpected(value.error());
    if (!form.fields_.emplace(std::move(*name), std::move(*value)).second) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "a form field given twice");
    }
  }
  return form;
}

std::string FormFields::Get(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? std::string() : it->second;
}

}  // namespace citadel::web
