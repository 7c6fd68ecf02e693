#include "auth/reset_mail_quota.hpp"

#include <string>

#include "core/ip_network.hpp"

namespace citadel::auth {
namespace {
constexpr std::uint64_t kQuotaPurgeEvery = 64;

// What a source is counted as, the way the edge's per-client limits count
// (http/client_address_key.hpp, which auth does not link): an IPv4 client by
// its address, an IPv6 client by its /64 (one host is routinely given a whole
// /64; counting single addresses would give it 2^64 quotas). Anything that is
// not an address is counted as given.
std::string SourceKey(std::string_view source) {
  auto address = core::IpAddress::Parse(source);
  if (!address) return std::string(source);
  if (address->is_v4()) return address->ToString();  // "::ffff:a.b.c.d" is a.b.c.d
  for (std::size_t i = 8; i < address->bytes.size(); ++i) address->bytes[i] = 0;
  return address->ToString() + "/64";
}
}  // namespace

core::Result<bool> ResetMailQuota::Take(std::string_view tenant, std::int64_t uid, std::string_view source) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  if (takes_.fetch_add(1) % kQuotaPurgeEvery == kQuotaPurgeEvery - 1) {
    (void)(*catalog)->Execute("DELETE FROM password_reset_mails WHERE sent_at < now() - interval '1 hour'");
  }
  // One statement: two servers racing may both pass at the very edge of the
  // cap (one mail over), never more.
  auto taken = (*catalog)->Execute(
      "INSERT INTO password_reset_mails (tenant, uid, source) SELECT $1, $2, $4 "
      "WHERE (SELECT count(*) FROM password_reset_mails "
      "       WHERE tenant = $1 AND uid = $2 AND sent_at > now() - interval '1 hour') < $3 "
      "  AND (SELECT count(*) FROM password_reset_mails "
      "       WHERE source = $4 AND sent_at > now() - interval '1 hour') < $5 "
      "RETURNING uid",
      tenant, uid, per_hour_, SourceKey(source), per_source_hour_);
  if (!taken) return core::Unexpected(taken.error());
  return !taken->empty();
}

}  // namespace citadel::auth
