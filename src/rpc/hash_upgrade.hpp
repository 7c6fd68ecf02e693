// Rehashing at sign-in: a stored password hash with fewer PBKDF2 rounds than
// the server's (an Odoo import, or a server whose rounds were raised) is
// replaced, at the next successful password sign-in, by a hash of the same
// password at the server's rounds: the only moment the clear password is
// known. The new hash is computed on the hashing pool and stored on a db
// worker with a compare-and-set (a password changed meanwhile wins), in a
// statement of its own. Because web sessions keep a fingerprint of the hash
// they were opened with, the user's other sessions end then, once.
//
// `done` gets the hash stored when it returns: the new one, or `stored` when
// nothing was to do or anything failed (logged, never the caller's problem:
// the sign-in itself succeeded). Called exactly once, from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

void UpgradeWeakHash(RpcServices& services, const std::string& db, std::int64_t uid, std::string password,
                     std::string stored, const std::string& request_id, std::function<void(std::string)> done);

}  // namespace citadel::rpc
