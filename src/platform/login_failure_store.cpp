#include "platform/login_failure_store.hpp"

#include <algorithm>

namespace citadel::platform {
namespace {

void Assign(LoginFailureCounts& counts, const db::QueryResult& rows) {
  for (int row = 0; row < rows.rows(); ++row) {
    FailureCount count{std::stoi(rows.Text(row, "failures", "0")),
                       std::chrono::seconds(std::stoll(rows.Text(row, "since", "0")))};
    const std::string scope = rows.Text(row, "scope");
    if (scope == "source_login") counts.source_login = count;
    if (scope == "source") counts.source = count;
    if (scope == "login") counts.login = count;
  }
}

}  // namespace

LoginFailureStore::LoginFailureStore(TenantService& tenants, EdgeBlockPolicy edge)
    : tenants_(tenants), edge_(edge) {}

core::Result<LoginFailureCounts> LoginFailureStore::Read(std::string_view tenant,
                                                         std::string_view source,
                                                         std::string_view login,
                                                         std::chrono::seconds window) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT scope, failures, floor(extract(epoch FROM now() - last_failure))::bigint AS since "
      "FROM login_failures WHERE tenant = $1 AND window_start > now() - make_interval(secs => "
      "$4::bigint) AND ((scope = 'source_login' AND source = $2 AND login = $3) OR (scope = "
      "'source' AND source = $2 AND login = '') OR (scope = 'login' AND source = '' AND login = "
      "$3))",
      tenant, source, login, window.count());
  if (!rows) return core::Unexpected(rows.error());
  LoginFailureCounts counts;
  Assign(counts, *rows);
  return counts;
}

core::Result<RecordedFailure> LoginFailureStore::RecordFailure(std::string_view tenant,
                                                               std::string_view source,
                                                               std::string_view login,
                                                               std::chrono::seconds window) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // A counter whose window has passed starts again at 1. The edge counter
  // has the edge policy's window. Without a login (an API key) only the
  // source counters count.
  auto rows = (*catalog)->Execute(
      "INSERT INTO login_failures AS f (scope, tenant, source, login, failures, window_start, "
      "last_failure) SELECT v.scope, v.tenant, v.source, v.login, 1, now(), now() FROM (VALUES "
      "('source_login', $1::text, $2::text, $3::text), ('source', $1, $2, ''), ('login', $1, '', "
      "$3), ('edge', '', $2, '')) AS v (scope, tenant, source, login) WHERE $3 <> '' OR v.scope "
      "IN ('source', 'edge') ON CONFLICT (scope, tenant, source, login) DO UPDATE SET failures = CASE "
      "WHEN f.window_start > now() - make_interval(secs => CASE WHEN f.scope = 'edge' THEN "
      "$5::bigint ELSE $4::bigint END) THEN f.failures + 1 ELSE 1 END, window_start = CASE WHEN "
      "f.window_start > now() - make_interval(secs => CASE WHEN f.scope = 'edge' THEN $5::bigint "
      "ELSE $4::bigint END) THEN f.window_start ELSE now() END, last_failure = now() RETURNING "
      "scope, failures, 0::bigint AS since",
      tenant, source, login, window.count(), edge_.window.count());
  if (!rows) return core::Unexpected(rows.error());
  RecordedFailure recorded;
  Assign(recorded.counts, *rows);
  int edge_failures = 0;
  for (int row = 0; row < rows->rows(); ++row) {
    if (rows->Text(row, "scope") == "edge") edge_failures = std::stoi(rows->Text(row, "failures"));
  }
  if (edge_.failures > 0 && edge_failures >= edge_.failures) {
    // The period doubles with each block (2^blocks, the exponent capped so
    // that it cannot overflow), never beyond max_block.
    auto blocked = (*catalog)->Execute(
        "INSERT INTO edge_blocks AS b (source, blocked_until, blocks, failures) VALUES ($1, now() "
        "+ make_interval(secs => least($2::bigint, $3::bigint)), 1, $4) ON CONFLICT (source) DO "
        "UPDATE SET blocked_until = now() + make_interval(secs => least($3::bigint, $2::bigint * "
        "power(2, least(b.blocks, 20))::bigint)), blocks = b.blocks + 1, failures = $4, "
        "updated_at = now()",
        source, edge_.first_block.count(), edge_.max_block.count(), edge_failures);
    if (!blocked) return core::Unexpected(blocked.error());
    auto reset = (*catalog)->Execute(
        "DELETE FROM login_failures WHERE scope = 'edge' AND tenant = '' AND source = $1 AND "
        "login = ''",
        source);
    if (!reset) return core::Unexpected(reset.error());
    recorded.edge_blocked = true;
  }
  return recorded;
}

core::Result<void> LoginFailureStore::RecordSuccess(std::string_view tenant,
                                                    std::string_view source,
                                                    std::string_view login) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto deleted = (*catalog)->Execute(
      "DELETE FROM login_failures WHERE scope = 'source_login' AND tenant = $1 AND source = $2 "
      "AND login = $3",
      tenant, source, login);
  if (!deleted) return core::Unexpected(deleted.error());
  return {};
}

core::Result<std::vector<EdgeBlock>> LoginFailureStore::ActiveBlocks() {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT source, floor(extract(epoch FROM blocked_until))::bigint AS until, blocks, failures "
      "FROM edge_blocks WHERE blocked_until > now() ORDER BY blocked_until DESC, source LIMIT "
      "100000");
  if (!rows) return core::Unexpected(rows.error());
  std::vector<EdgeBlock> blocks;
  for (int row = 0; row < rows->rows(); ++row) {
    blocks.push_back({rows->Text(row, "source"), std::stoll(rows->Text(row, "until")),
                      std::stoi(rows->Text(row, "blocks")), std::stoi(rows->Text(row, "failures"))});
  }
  return blocks;
}

core::Result<bool> LoginFailureStore::Unblock(std::string_view source) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // The history (blocks) stays, so a source that comes back is blocked
  // longer; only the current block is lifted.
  auto lifted = (*catalog)->Execute(
      "UPDATE edge_blocks SET blocked_until = now(), updated_at = now() WHERE source = $1 AND "
      "blocked_until > now()",
      source);
  if (!lifted) return core::Unexpected(lifted.error());
  auto reset = (*catalog)->Execute(
      "DELETE FROM login_failures WHERE scope = 'edge' AND tenant = '' AND source = $1", source);
  if (!reset) return core::Unexpected(reset.error());
  return lifted->affected_rows() > 0;
}

core::Result<std::int64_t> LoginFailureStore::PurgeOlderThan(std::chrono::seconds age) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto deleted = (*catalog)->Execute(
      "DELETE FROM login_failures WHERE last_failure < now() - make_interval(secs => $1::bigint)",
      age.count());
  if (!deleted) return core::Unexpected(deleted.error());
  return deleted->affected_rows();
}

}  // namespace citadel::platform
