#include "web/backup_download_route.hpp"

#include <charconv>
#include <chrono>
#include <optional>

#include "http/cookies.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/transaction_runner.hpp"
#include "platform/backup_download.hpp"
#include "platform/web_session_store.hpp"
#include "rpc/caller_environment.hpp"
#include "rpc/user_credentials.hpp"
#include "web/csrf_guard.hpp"
#include "web/form_body.hpp"
#include "web/sink_body_stream.hpp"

namespace citadel::web {
namespace {

constexpr std::size_t kMaxBackupIdChars = 64;

bool IsBackupId(std::string_view id) {
  if (id.empty() || id.size() > kMaxBackupIdChars) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// The one range asked for, as [first, last] within `size`.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};
enum class RangeAnswer { kWhole, kPart, kUnsatisfiable };

std::optional<std::uint64_t> Decimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

RangeAnswer ParseBackupRange(const std::optional<std::string>& header, std::uint64_t size, ByteRange& range) {
  if (!header || !header->starts_with("bytes=")) return RangeAnswer::kWhole;
  std::string_view spec = std::string_view(*header).substr(6);
  if (spec.find(',') != std::string_view::npos) return RangeAnswer::kWhole;  // several: the whole
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeAnswer::kWhole;
  auto first = Decimal(spec.substr(0, dash));
  auto last = Decimal(spec.substr(dash + 1));
  if (!first && dash != 0) return RangeAnswer::kWhole;
  if (!first) {  // "-n": the last n bytes
    if (!last || *last == 0) return last ? RangeAnswer::kUnsatisfiable : RangeAnswer::kWhole;
    range.first = *last >= size ? 0 : size - *last;
    range.last = size - 1;
    return size == 0 ? RangeAnswer::kUnsatisfiable : RangeAnswer::kPart;
  }
  if (dash + 1 < spec.size() && !last) return RangeAnswer::kWhole;
  if (last && *last < *first) return RangeAnswer::kWhole;  // invalid: ignored
  if (*first >= size) return RangeAnswer::kUnsatisfiable;
  range.first = *first;
  range.last = last ? std::min(*last, size - 1) : size - 1;
  return RangeAnswer::kPart;
}

http::Response Refused(int status, std::string_view message) { return http::JsonErrorResponse(status, message); }

// The signed-in user's right to the backup, asked of citadel.backup itself
// (download_link: ir.model.access, then the tenant's scope) in a transaction
// of the session's tenant as that user. Returns the HTTP status to refuse
// with, or 0.
int SessionMayDownload(BackupDownloadServices& services, const std::string& session_id, const std::string& backup_id,
                       const std::string& request_id) {
  auto found = services.rpc.web_sessions->Find(session_id);
  if (!found) return 503;
  if (!*found) return 403;
  const platform::WebSession& session = **found;
  auto connection = services.rpc.tenants.Acquire(session.tenant);
  if (!connection) return 503;
  try {
    orm::TransactionRunner runner(**connection, services.rpc.registry);
    return runner.Run([&]() -> int {
      auto user = rpc::FindUserById(**connection, session.uid);
      if (!user) throw orm::DatabaseError(user.error());
      if (!*user || !(*user)->active || (*user)->hash.empty() ||
          platform::CredentialFingerprint((*user)->hash) != session.credential_fingerprint) {
        return 403;
      }
      const orm::Environment env = rpc::CallerEnvironment(services.rpc, **connection, session.tenant, session.uid);
      orm::CallModelMethod(env, "citadel.backup", "download_link", orm::Value::array({backup_id}),
                           orm::Value::object());
      return 0;
    });
  } catch (const orm::MissingError&) {
    return 404;
  } catch (const orm::AccessError&) {
    return 403;
  } catch (const orm::UserError&) {
    return 404;
  } catch (const std::exception& error) {
    core::Log().Error("backup download check failed", {{"request_id", request_id}, {"error", error.what()}});
    return 500;
  }
}

void ServeBackup(BackupDownloadServices& services, const std::string& backup_id, const std::string& token,
                 const std::optional<std::string>& session_id, const std::optional<std::string>& range_header,
                 const std::string& request_id, const http::Responder& respond) {
  auto row = services.backups.catalog().GetBackup(backup_id);
  if (!row) {
    return respond(row.error().code == core::ErrorCode::kNotFound ? Refused(404, "no such backup")
                                                                    : Refused(503, "the catalog is unavailable"));
  }
  if (!token.empty()) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    if (!services.tokens.Verify(token, row->tenant_db, row->id, now)) {
      return respond(Refused(403, "this download link is not valid (expired, or for another backup)"));
    }
  } else if (session_id) {
    if (int refused = SessionMayDownload(services, *session_id, backup_id, request_id); refused != 0) {
      return respond(Refused(refused, refused == 404 ? "no such backup" : "not allowed"));
    }
  } else {
    return respond(Refused(403, "sign in as an administrator, or use a download link"));
  }
  if (row->state != "complete") return respond(Refused(404, "no such backup"));
  auto size = platform::PlainArchiveSize(*row);
  if (!size) return respond(Refused(500, "the backup cannot be read"));

  http::Response response;
  response.content_type = "application/x-tar";
  response.headers = {{"Accept-Ranges", "bytes"},
                      {"Cache-Control", "no-store"},
                      {"Content-Disposition", "attachment; filename=\"citadel-backup-" + row->id + ".tar\""}};
  ByteRange range{0, *size == 0 ? 0 : *size - 1};
  switch (ParseBackupRange(range_header, *size, range)) {
    case RangeAnswer::kUnsatisfiable: {
      http::Response refused = Refused(416, "range not satisfiable");
      refused.headers = {{"Content-Range", "bytes */" + std::to_string(*size)}};
      return respond(std::move(refused));
    }
    case RangeAnswer::kPart:
      response.status = 206;
      response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                         std::to_string(range.last) + "/" + std::to_string(*size));
      break;
    case RangeAnswer::kWhole:
      break;
  }
  if (services.running.fetch_add(1) >= services.max_downloads) {
    services.running.fetch_sub(1);
    return respond(Refused(503, "too many downloads at once: try again in a minute"));
  }
  const std::uint64_t count = *size == 0 ? 0 : range.last - range.first + 1;
  response.stream_length = count;
  response.stream = SinkBodyStream::Start(
      [&backups = services.backups, id = row->id, first = range.first, count](backup::ByteSink& out) {
        return platform::ExportRange(backups, id, first, count, out);
      },
      [&running = services.running] { running.fetch_sub(1); });
  respond(std::move(response));
}

}  // namespace

std::string IssueBackupDownloadToken(const auth::ResetTokenSigner& tokens, const std::string& tenant_db,
                                     const std::string& backup_id, std::int64_t uid, std::int64_t expires_unix) {
  return tokens.Issue(tenant_db, uid, backup_id, expires_unix);
}

void AddBackupDownloadRoute(http::Router& router, BackupDownloadServices& services) {
  router.Add("GET", "/web/backup/*", [&services](const http::Request& request, http::Responder respond) {
    const std::string_view prefix = "/web/backup/";
    const std::string backup_id = request.path.substr(prefix.size());
    if (!IsBackupId(backup_id)) return respond(Refused(404, "no such backup"));
    std::string token;
    if (!request.query.empty()) {
      auto query = FormFields::Parse(request.query);
      if (!query) return respond(Refused(400, "malformed query"));
      token = query->Get("token");
      if (token.size() > auth::kMaxResetTokenChars) return respond(Refused(403, "this download link is not valid"));
    }
    auto task = [&services, backup_id, token, session_id = http::CookieValue(request, kSessionCookie),
                 range = request.Header("Range"), request_id = request.request_id, respond] {
      ServeBackup(services, backup_id, token, session_id, range, request_id, respond);
    };
    if (!services.rpc.db_workers.Submit(std::move(task))) respond(Refused(503, "busy: try again"));
  });
}

}  // namespace citadel::web
