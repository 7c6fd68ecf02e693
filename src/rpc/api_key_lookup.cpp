#include "rpc/api_key_lookup.hpp"

#include "core/password_hasher.hpp"
#include "core/random.hpp"

namespace citadel::rpc {
namespace {

constexpr std::uint32_t kApiKeyRounds = 6000;  // Odoo 18's KEY_CRYPT_CONTEXT

bool HasNul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

}  // namespace

core::Result<std::vector<ApiKeyCandidate>> FindApiKeyCandidates(db::Connection& connection, std::string_view key,
                                                                std::string_view scope,
                                                                std::optional<std::int64_t> uid) {
  std::vector<ApiKeyCandidate> candidates;
  if (key.size() <= kApiKeyIndexChars || key.size() > kMaxApiKeyChars || HasNul(key) || HasNul(scope)) {
    return candidates;
  }
  auto result = connection.Execute(
      "SELECT k.user_id, k.key FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id "
      "WHERE u.active AND k.index = $1 AND (k.scope IS NULL OR k.scope = $2) "
      "AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc') "
      "AND ($3::bigint IS NULL OR k.user_id = $3::bigint) ORDER BY k.id LIMIT $4",
      key.substr(0, kApiKeyIndexChars), scope, uid, kMaxApiKeyCandidates);
  if (!result) return core::Unexpected(result.error());
  for (int row = 0; row < result->rows(); ++row) {
    candidates.push_back({std::stoll(result->Text(row, "user_id")), result->Text(row, "key")});
  }
  return candidates;
}

const std::string& DummyApiKeyHash() {
  static const std::string hash = core::PasswordHasher(kApiKeyRounds).Hash(core::RandomHex(20));
  return hash;
}

}  // namespace citadel::rpc
