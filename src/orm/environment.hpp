// Environment: who is calling, with what context, on which transaction. Every
// ORM operation (RecordSet, AccessGuard) takes one explicitly; there is no
// thread-local "current request".
//
//   Environment env(registry, connection, uid, context);   // built by rpc/web per call
//   RecordSet partners = RecordSet::Of(env, "res.partner");
//
// Ownership: shares the immutable Registry; borrows the db::Connection, which
// the caller keeps open (and inside the call's transaction, see
// transaction_runner.hpp) for as long as the Environment and everything made
// from it live. A small value: copying it is cheap and copies the context.
//
// su ("superuser mode", Odoo's env.su): AccessGuard skips model access rights
// and record rules. Sudo() is C++ only: no RPC or web path may construct an
// Environment with su set or call Sudo() on a caller's behalf; it exists for
// the ORM's own reads (display names of many2one values) and for module code
// that must bypass rules on purpose, where review can see it. Write-only
// fields stay unreadable even in su.
//
// The tenant's FileStore (file_store.hpp), where binary fields keep their
// contents, is borrowed too and optional: WithFileStore gives it; without
// one, reading or writing a binary content is a UserError.
//
// The call's SecurityCache data (security_cache.hpp) is carried too and
// optional: WithSecurity gives it, and AccessGuard then answers from memory;
// without it (module code, tests, a database without the signal) AccessGuard
// reads the tables itself.
//
// A support staff member's call carries its grant's SupportScope
// (support_scope.hpp), which AccessGuard enforces, even in su where it says
// so; the tenant's SupportDesk (support_desk.hpp), optional, is what the
// admin's citadel.support.* methods reach the catalog through.
//
// Not thread-safe: one Environment belongs to one call on one thread, as its
// connection does.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "core/password_hasher.hpp"
#include "core/result.hpp"
#include "db/composed_sql.hpp"
#include "db/connection.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

class FileStore;         // orm/file_store.hpp
class TenantBackups;     // orm/tenant_backups.hpp
class SecuritySnapshot;  // orm/security_cache.hpp
class SupportDesk;       // orm/support_desk.hpp
struct SupportScope;     // orm/support_scope.hpp
struct UserSecurity;     // orm/security_cache.hpp

// A statement failed in PostgreSQL. Thrown by Environment::Execute so that
// ORM code reads as business code; TransactionRunner turns it into a retry,
// a ValidationError (unique/foreign-key violations) or lets it through. Its
// message is db's (SQLSTATE and the server's primary message, no values).
class DatabaseError : public std::runtime_error {
 public:
  explicit DatabaseError(core::Error error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const core::Error& error() const { return error_; }

 private:
  core::Error error_;
};

class Environment {
 public:
  Environment(std::shared_ptr<const Registry> registry, db::Connection& connection,
              std::int64_t uid, Value context = Value::object())
      : registry_(std::move(registry)),
        connection_(&connection),
        uid_(uid),
        context_(context.is_object() ? std::move(context) : Value::object()) {}

  const Registry& registry() const { return *registry_; }
  const std::shared_ptr<const Registry>& shared_registry() const { return registry_; }
  db::Connection& connection() const { return *connection_; }
  std::int64_t uid() const { return uid_; }
  const Value& context() const { return context_; }
  bool su() const { return su_; }
  // The tenant's file store, or nullptr.
  FileStore* file_store() const { return file_store_; }

  // A copy in superuser mode. C++ only; see the header comment.
  Environment Sudo() const {
    Environment copy = *this;
    copy.su_ = true;
    return copy;
  }
  // A copy that keeps binary contents in `store` (which must outlive it).
  Environment WithFileStore(FileStore& store) const {
    Environment copy = *this;
    copy.file_store_ = &store;
    return copy;
  }
  // A copy that answers access checks from `snapshot` for `user` (which
  // must be this uid's; otherwise it is ignored).
  Environment WithSecurity(std::shared_ptr<const SecuritySnapshot> snapshot,
                           std::shared_ptr<const UserSecurity> user) const {
    Environment copy = *this;
    copy.security_snapshot_ = std::move(snapshot);
    copy.security_user_ = std::move(user);
    return copy;
  }
  // The tenant's backups (orm/tenant_backups.hpp), for citadel.backup; null:
  // its methods refuse (no platform behind this call).
  TenantBackups* tenant_backups() const { return tenant_backups_.get(); }
  Environment WithTenantBackups(std::shared_ptr<TenantBackups> backups) const {
    Environment copy = *this;
    copy.tenant_backups_ = std::move(backups);
    return copy;
  }
  // Both or neither (see WithSecurity).
  const SecuritySnapshot* security_snapshot() const { return security_snapshot_.get(); }
  const UserSecurity* security_user() const { return security_user_.get(); }
  const std::shared_ptr<const UserSecurity>& shared_security_user() const { return security_user_; }

  // A copy limited by a support grant (see the header comment); kept by Sudo.
  Environment WithSupportScope(std::shared_ptr<const SupportScope> scope) const {
    Environment copy = *this;
    copy.support_scope_ = std::move(scope);
    return copy;
  }
  // The grant's scope when a staff member calls, else nullptr.
  const SupportScope* support_scope() const { return support_scope_.get(); }
  // A copy that reaches the tenant's support grants and audit through `desk`.
  Environment WithSupportDesk(std::shared_ptr<SupportDesk> desk) const {
    Environment copy = *this;
    copy.support_desk_ = std::move(desk);
    return copy;
  }
  SupportDesk* support_desk() const { return support_desk_.get(); }

  // The server's password hasher (its configured PBKDF2 rounds), for the
  // password fields a model hashes; nullptr: the default rounds.
  const core::PasswordHasher* password_hasher() const { return password_hasher_; }
  // `hasher` must outlive the copy.
  Environment WithPasswordHasher(const core::PasswordHasher& hasher) const {
    Environment copy = *this;
    copy.password_hasher_ = &hasher;
    return copy;
  }

  Environment WithContext(Value context) const {
    Environment copy = *this;
    copy.context_ = context.is_object() ? std::move(context) : Value::object();
    return copy;
  }

  // Odoo's context key: archived records are hidden unless it is false.
  bool active_test() const {
    auto it = context_.find("active_test");
    return it == context_.end() || !it->is_boolean() || it->get<bool>();
  }

  // The model, or ValidationError naming it (an unknown name from a client).
  const Model& GetModel(std::string_view name) const;

  // Runs generated SQL; a failure throws DatabaseError.
  db::QueryResult Execute(const db::ComposedSql& statement) const;

 private:
  std::shared_ptr<const Registry> registry_;
  db::Connection* connection_;
  std::int64_t uid_;
  Value context_;
  bool su_ = false;
  FileStore* file_store_ = nullptr;
  const core::PasswordHasher* password_hasher_ = nullptr;
  std::shared_ptr<const SecuritySnapshot> security_snapshot_;
  std::shared_ptr<const UserSecurity> security_user_;
  std::shared_ptr<const SupportScope> support_scope_;
  std::shared_ptr<SupportDesk> support_desk_;
  std::shared_ptr<TenantBackups> tenant_backups_;
};

}  // namespace citadel::orm
