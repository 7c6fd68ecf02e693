#include "modules/base/password_policy.hpp"

#include <zxcvbn.h>

#include <algorithm>
#include <charconv>

#include "core/utf8.hpp"
#include "orm/environment.hpp"
#include "orm/errors.hpp"

namespace citadel::modules::base {
namespace {

double GuessingEntropyBits(const std::string& password, const std::vector<std::string>& personal) {
  std::vector<const char*> words;
  for (const std::string& word : personal) {
    if (!word.empty()) words.push_back(word.c_str());
  }
  words.push_back(nullptr);
  return ZxcvbnMatch(password.c_str(), words.data(), nullptr);
}

}  // namespace

PasswordPolicy ReadPasswordPolicy(db::Connection& connection) {
  PasswordPolicy policy;
  auto rows = connection.Execute(
      "SELECT btrim(value) AS value FROM ir_config_parameter WHERE key = "
      "'auth_password_policy.minlength'");
  if (!rows) throw orm::DatabaseError(rows.error());
  if (rows->empty()) return policy;
  const std::string value = rows->Text(0, "value");
  int parsed = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error == std::errc() && end == value.data() + value.size()) {
    policy.min_length = std::clamp(parsed, 1, kMaxPasswordLength);
  }
  return policy;
}

void CheckPasswordPolicy(std::string_view password, const PasswordPolicy& policy,
                         const std::vector<std::string>& personal) {
  const int length = static_cast<int>(core::Utf8CodePoints(password));
  if (length < policy.min_length) {
    throw orm::UserError("Passwords must have at least " + std::to_string(policy.min_length) +
                         " characters, got " + std::to_string(length) + ".");
  }
  if (length > kMaxPasswordLength) {
    throw orm::UserError("Passwords must have at most " + std::to_string(kMaxPasswordLength) +
                         " characters, got " + std::to_string(length) + ".");
  }
  if (password.find('\0') != std::string_view::npos) {
    throw orm::UserError("Passwords cannot contain a NUL character.");
  }
  if (GuessingEntropyBits(std::string(password), personal) < kMinPasswordEntropyBits) {
    throw orm::UserError(
        "This password is too easy to guess: it is, or is built from, a common password, a "
        "dictionary word or name, a keyboard pattern, a repetition, a sequence, a date or your "
        "own login or name. Any other password of at least " +
        std::to_string(policy.min_length) +
        " characters is accepted, spaces and any characters included (a few unrelated words "
        "make a good one).");
  }
}

}  // namespace citadel::modules::base
