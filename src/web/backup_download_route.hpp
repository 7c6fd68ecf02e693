// GET /web/backup/<backup id>: a tenant's backup as a plain .tar (dump, file
// store, manifest), decrypted on the fly and streamed (docs/backups.md).
//
// Who may: the bearer of a download token from citadel.backup's
// download_link (?token=..., signed with the server secret, bound to the
// tenant's database, the backup and the user, valid 10 minutes), or a
// signed-in user of the web client (session cookie) for whom that same
// method succeeds — an administrator (group_system, through ir.model.access)
// of the tenant the backup belongs to. Anything else is 404 (no such
// backup) or 403, and never says whether another tenant's backup exists.
//
// Range: one "bytes=a-b", "bytes=a-" or "bytes=-n" range is answered 206
// with Content-Range (the bytes of the whole from a to b); an
// unsatisfiable one 416 with "Content-Range: bytes */size"; several ranges
// or a malformed header get the whole (RFC 9110 lets a server ignore
// Range). Content-Length is always known (platform/backup_download.hpp).
//
// At most `max_downloads` run at once on this server (503 beyond): each
// holds a producer thread and about 1 MiB. The lookups and checks run on
// the db workers; the decryption on the download's own thread.
#pragma once

#include <atomic>

#include "auth/reset_token.hpp"
#include "http/router.hpp"
#include "platform/backup_service.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::web {

struct BackupDownloadServices {
  rpc::RpcServices& rpc;  // with web_sessions and tenant_backups set
  platform::BackupService& backups;
  // Verifies download tokens: a ResetTokenSigner under the server secret's
  // "backup-download" key, its tenant the backup's database and its
  // fingerprint the backup id (see IssueBackupDownloadToken).
  const auth::ResetTokenSigner& tokens;
  int max_downloads = 4;
  std::atomic<int> running{0};
};

// The token download_link hands out (platform::DownloadTokenIssuer).
std::string IssueBackupDownloadToken(const auth::ResetTokenSigner& tokens, const std::string& tenant_db,
                                     const std::string& backup_id, std::int64_t uid, std::int64_t expires_unix);

void AddBackupDownloadRoute(http::Router& router, BackupDownloadServices& services);

}  // namespace citadel::web
